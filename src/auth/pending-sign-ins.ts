import { Injectable } from '@nestjs/common';
import { Redis } from 'ioredis';
import { Clock } from '../common/clock.js';
import type { AuthMethod } from './domain/assurance.js';
import { PENDING_SIGN_IN_MAX_ATTEMPTS, PENDING_SIGN_IN_TTL_MS } from './domain/second-factor.js';
import { generateOpaqueToken, hashToken } from './domain/tokens.js';

/** A sign-in whose first factor succeeded and that waits for the second. */
export interface PendingSignIn {
  userId: string;
  /** The first factor's methods (`pwd`, `oidc`). */
  amr: AuthMethod[];
  deviceName: string | null;
}

interface Stored extends PendingSignIn {
  expiresAt: number;
}

/**
 * Half-finished sign-ins, in Redis under the SHA-256 of their mfa token (the token itself is
 * never stored). The expiry is checked against the injected clock; Redis' own TTL, a little
 * longer, only clears the key away. Single use: the request that deletes the key completes it.
 */
@Injectable()
export class PendingSignIns {
  constructor(
    private readonly redis: Redis,
    private readonly clock: Clock,
  ) {}

  async create(pending: PendingSignIn): Promise<{ mfaToken: string; expiresIn: number }> {
    const mfaToken = generateOpaqueToken();
    const stored: Stored = {
      ...pending,
      expiresAt: this.clock.now().getTime() + PENDING_SIGN_IN_TTL_MS,
    };
    await this.redis
      .multi()
      .hset(keyOf(mfaToken), 'data', JSON.stringify(stored), 'attempts', 0)
      .pexpire(keyOf(mfaToken), PENDING_SIGN_IN_TTL_MS + 60_000)
      .exec();
    return { mfaToken, expiresIn: PENDING_SIGN_IN_TTL_MS / 1000 };
  }

  /** The pending sign-in, or null when unknown, expired, used or out of attempts. */
  async find(mfaToken: string): Promise<PendingSignIn | null> {
    const data = await this.redis.hget(keyOf(mfaToken), 'data');
    if (!data) return null;
    const { expiresAt, ...pending } = JSON.parse(data) as Stored;
    return expiresAt > this.clock.now().getTime() ? pending : null;
  }

  /** A wrong code: the last allowed one ends the pending sign-in. */
  async recordFailure(mfaToken: string): Promise<void> {
    await this.redis.eval(RECORD_FAILURE, 1, keyOf(mfaToken), PENDING_SIGN_IN_MAX_ATTEMPTS);
  }

  /** True for the one request that completes it. */
  async consume(mfaToken: string): Promise<boolean> {
    return (await this.redis.del(keyOf(mfaToken))) === 1;
  }
}

/** Counts only on a live key (never recreates one without its data and TTL). */
const RECORD_FAILURE = `
  if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
  local attempts = redis.call('HINCRBY', KEYS[1], 'attempts', 1)
  if attempts >= tonumber(ARGV[1]) then redis.call('DEL', KEYS[1]) end
  return attempts`;

function keyOf(mfaToken: string): string {
  return `auth:mfa-pending:${hashToken(mfaToken)}`;
}
