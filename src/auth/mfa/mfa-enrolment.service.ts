import { Inject, Injectable } from '@nestjs/common';
import type { AuthPrincipal } from '../../common/auth/auth-principal.js';
import { APP_CONFIG, type AppConfig } from '../../config/index.js';
import { Transactions } from '../../database/transactions.js';
import { UsersService } from '../../users/index.js';
import type { ClientInfo } from '../client-info.js';
import { mfaAlreadyEnabled, mfaEnrolmentNotStarted, mfaNotEnabled } from '../domain/auth.errors.js';
import { newTotpSecret, totpUri } from '../domain/totp.js';
import { MfaKeys } from '../mfa-keys.js';
import { MfaRepository } from '../repositories/mfa.repository.js';
import { SecondFactor } from '../second-factor.js';
import { MfaChanges } from './mfa-changes.js';

/** Turning two-factor authentication on (an authenticator app) and off, and recovery codes. */
@Injectable()
export class MfaEnrolmentService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly users: UsersService,
    private readonly mfa: MfaRepository,
    private readonly keys: MfaKeys,
    private readonly secondFactor: SecondFactor,
    private readonly transactions: Transactions,
    private readonly changes: MfaChanges,
  ) {}

  /** A new secret (replacing a pending one); MFA is on only once a first code proves it. */
  async start(principal: AuthPrincipal, client: ClientInfo) {
    const user = await this.users.getById(principal.userId);
    const secret = newTotpSecret();
    if (!(await this.mfa.savePending(user.id, this.keys.sealSecret(secret)))) {
      throw mfaAlreadyEnabled();
    }
    await this.changes.enrolmentStarted(user.id, client);
    return { secret, otpauthUri: totpUri(this.config.mfa.issuer, user.email, secret) };
  }

  /** The app's first code turns MFA on; the recovery codes are returned this once. */
  async activate(principal: AuthPrincipal, code: string, client: ClientInfo): Promise<string[]> {
    const factor = await this.mfa.findTotp(principal.userId);
    if (!factor) throw mfaEnrolmentNotStarted();
    if (factor.activatedAt) throw mfaAlreadyEnabled();
    const step = await this.secondFactor.matchPending(factor, code, client);
    const user = await this.users.getById(principal.userId);
    return this.transactions.run(async (manager) => {
      if (!(await this.mfa.activate(manager, factor.id, step, this.changes.now()))) {
        throw mfaAlreadyEnabled();
      }
      const codes = await this.changes.newRecoveryCodes(manager, user);
      await this.changes.record(manager, user, 'enabled', client);
      return codes;
    });
  }

  /** New recovery codes; the old ones stop working. The route needs an aal2 session. */
  async regenerateRecoveryCodes(principal: AuthPrincipal, client: ClientInfo): Promise<string[]> {
    if (!(await this.mfa.hasActiveFactor(principal.userId))) throw mfaNotEnabled();
    const user = await this.users.getById(principal.userId);
    return this.transactions.run(async (manager) => {
      const codes = await this.changes.newRecoveryCodes(manager, user);
      await this.changes.record(manager, user, 'recovery_codes_regenerated', client);
      return codes;
    });
  }

  /** Turning MFA off takes a fresh second factor: a current code or a recovery code. */
  async disable(principal: AuthPrincipal, code: string, client: ClientInfo): Promise<void> {
    if (!(await this.mfa.hasActiveFactor(principal.userId))) throw mfaNotEnabled();
    await this.secondFactor.verify(principal.userId, code, client);
    const user = await this.users.getById(principal.userId);
    await this.transactions.run(async (manager) => {
      await this.mfa.deleteAllOf(manager, user.id);
      await this.changes.record(manager, user, 'disabled', client);
    });
  }
}
