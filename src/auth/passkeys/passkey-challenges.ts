import { Injectable } from '@nestjs/common';
import { Redis } from 'ioredis';
import { Clock } from '../../common/clock.js';
import { challengeLive, PASSKEY_CHALLENGE_TTL_MS } from '../domain/passkey-rules.js';

export type Ceremony = 'registration' | 'authentication';

interface StoredChallenge {
  /** The user registering; null for a sign-in (the passkey names its user). */
  userId: string | null;
  expiresAtMs: number;
}

/**
 * Outstanding WebAuthn challenges in Redis (`<QUEUE_PREFIX>:auth:passkeys:challenge:…`), keyed
 * by the challenge itself: the response carries it back in its client data, so a sign-in needs
 * no user name and no session. Taking one deletes it (GETDEL): each is answered at most once.
 * Expiry follows the injected clock (tests move time); the Redis TTL only cleans up.
 */
@Injectable()
export class PasskeyChallenges {
  constructor(
    private readonly redis: Redis,
    private readonly clock: Clock,
  ) {}

  async issue(ceremony: Ceremony, challenge: string, userId: string | null): Promise<void> {
    const stored: StoredChallenge = {
      userId,
      expiresAtMs: this.clock.now().getTime() + PASSKEY_CHALLENGE_TTL_MS,
    };
    // A little longer than the rule, so a clock ahead of Redis still finds the key to refuse.
    const cleanupMs = PASSKEY_CHALLENGE_TTL_MS * 2;
    await this.redis.set(keyOf(ceremony, challenge), JSON.stringify(stored), 'PX', cleanupMs);
  }

  /**
   * Takes the challenge if it was issued for this ceremony (and user) and has not expired.
   * Refused or not, it is gone afterwards.
   */
  async take(ceremony: Ceremony, challenge: string, userId: string | null): Promise<boolean> {
    const raw = await this.redis.getdel(keyOf(ceremony, challenge));
    if (raw === null) return false;
    const stored = JSON.parse(raw) as StoredChallenge;
    return (
      stored.userId === userId && challengeLive(stored.expiresAtMs, this.clock.now().getTime())
    );
  }
}

function keyOf(ceremony: Ceremony, challenge: string): string {
  return `auth:passkeys:challenge:${ceremony}:${challenge}`;
}
