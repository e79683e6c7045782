import { Injectable } from '@nestjs/common';
import { Redis } from 'ioredis';
import { Clock } from '../common/clock.js';
import { AuditTrail } from './audit-trail.js';
import type { ClientInfo } from './client-info.js';
import { invalidMfaCode, tooManyAttempts } from './domain/auth.errors.js';
import {
  classifyCode,
  MFA_FAILURE_WINDOW_SECONDS,
  MFA_FAILURES_PER_WINDOW,
} from './domain/second-factor.js';
import { matchTotp } from './domain/totp.js';
import type { TotpFactor } from './entities/totp-factor.entity.js';
import { MfaKeys } from './mfa-keys.js';
import { MfaRepository } from './repositories/mfa.repository.js';

/**
 * Checks an account's second factor (an authenticator code, or a recovery code, each accepted
 * once), for the sign-in challenge, step-up, enrolment and turning MFA off. Wrong codes are
 * counted per account across all of these: past the limit every code is refused with a 429
 * until the window ends, so six digits cannot be guessed online.
 */
@Injectable()
export class SecondFactor {
  constructor(
    private readonly mfa: MfaRepository,
    private readonly keys: MfaKeys,
    private readonly audit: AuditTrail,
    private readonly redis: Redis,
    private readonly clock: Clock,
  ) {}

  /** The method the code proved (`otp` or `recovery`); throws `invalid-mfa-code` or 429. */
  async verify(userId: string, input: string, client: ClientInfo): Promise<'otp' | 'recovery'> {
    return this.attempt(userId, client, async () => {
      const code = classifyCode(input);
      if (!code) return null;
      const ok =
        code.method === 'otp'
          ? await this.useTotp(userId, code.code)
          : await this.mfa.useRecoveryCode(
              userId,
              this.keys.recoveryCodeHash(code.code),
              this.clock.now(),
            );
      return ok ? code.method : null;
    });
  }

  /** The time step of a code of a pending (not yet active) factor, under the same limits. */
  matchPending(factor: TotpFactor, input: string, client: ClientInfo): Promise<number> {
    return this.attempt(factor.userId, client, () =>
      matchTotp(this.openSecret(factor), input.trim(), this.clock.now(), factor.lastTimeStep),
    );
  }

  private async attempt<T>(
    userId: string,
    client: ClientInfo,
    check: () => Promise<T | null>,
  ): Promise<T> {
    await this.assertNotLocked(userId);
    const result = await check();
    if (result === null) {
      const failures = await this.recordFailure(userId);
      await this.audit.record({ type: 'mfa_failed', userId, client, details: { failures } });
      throw invalidMfaCode();
    }
    return result;
  }

  private async useTotp(userId: string, code: string): Promise<boolean> {
    const factor = await this.mfa.findTotp(userId);
    if (!factor?.activatedAt) return false;
    const step = await matchTotp(
      this.openSecret(factor),
      code,
      this.clock.now(),
      factor.lastTimeStep,
    );
    return step !== null && (await this.mfa.acceptStep(factor.id, step));
  }

  private openSecret(factor: TotpFactor): string {
    return this.keys.openSecret(factor.secretSealed);
  }

  private async assertNotLocked(userId: string): Promise<void> {
    const [failures, ttl] = await Promise.all([
      this.redis.get(failuresKey(userId)),
      this.redis.pttl(failuresKey(userId)),
    ]);
    if (Number(failures ?? 0) >= MFA_FAILURES_PER_WINDOW) {
      throw tooManyAttempts(Math.max(1, Math.ceil(ttl / 1000)));
    }
  }

  /** The window starts at the first failure (a fixed window: later failures do not extend it). */
  private async recordFailure(userId: string): Promise<number> {
    const key = failuresKey(userId);
    const failures = await this.redis.incr(key);
    if (failures === 1) await this.redis.expire(key, MFA_FAILURE_WINDOW_SECONDS);
    return failures;
  }
}

function failuresKey(userId: string): string {
  return `auth:mfa-failures:${userId}`;
}
