import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { Clock } from '../../common/clock.js';
import { unavailableDependency } from '../../common/dependency-errors.js';
import { hashToken } from './tokens.js';

export type ThrottleAction = 'login' | 'register' | 'forgot' | 'resend' | 'refresh';
export type ThrottleScope = 'ip' | 'account' | 'failure_delay';

export interface WindowLimit {
  points: number;
  durationSeconds: number;
}

export type ThrottleLimits = Record<
  ThrottleAction,
  { perIp: WindowLimit; perAccount: WindowLimit }
>;

export interface FailureDelayPolicy {
  /** Consecutive failures allowed without any wait. */
  freeAttempts: number;
  /** Wait after the first failure beyond the free ones; doubles with each further failure. */
  baseMs: number;
  /** Cap, so a targeted account is slowed down but never locked out. */
  maxMs: number;
}

export interface FailureMemoryPolicy extends FailureDelayPolicy {
  /** Failures are forgotten this long after the last one, even without a success. */
  forgetAfterMs: number;
}

export interface LoginThrottleOptions {
  redis: Redis;
  /** Namespace of every key written, e.g. `${QUEUE_PREFIX}:auth:throttle`. */
  keyPrefix: string;
  clock: Clock;
  limits?: ThrottleLimits;
  failureDelay?: FailureMemoryPolicy;
}

export interface ThrottleKeys {
  ip?: string;
  /** Email or user id; normalised and hashed so no address is stored in Redis. */
  account?: string;
}

export interface RateLimited {
  ok: false;
  scope: ThrottleScope;
  retryAfterSeconds: number;
}

export type ThrottleResult = { ok: true } | RateLimited;

/** checkLogin's answer, with the account's consecutive failures on record (0: nothing to reset). */
export type LoginCheck = ThrottleResult & { failuresOnRecord: number };

const MINUTE = 60;
const HOUR = 60 * MINUTE;

/** Per-IP limits are looser than per-account ones because many users can share one NAT. */
export const DEFAULT_THROTTLE_LIMITS: ThrottleLimits = {
  login: {
    perIp: { points: 100, durationSeconds: 15 * MINUTE },
    perAccount: { points: 30, durationSeconds: 15 * MINUTE },
  },
  // Sign-up spam and probing for taken addresses.
  register: {
    perIp: { points: 20, durationSeconds: HOUR },
    perAccount: { points: 5, durationSeconds: HOUR },
  },
  forgot: {
    perIp: { points: 20, durationSeconds: HOUR },
    perAccount: { points: 5, durationSeconds: HOUR },
  },
  resend: {
    perIp: { points: 20, durationSeconds: HOUR },
    perAccount: { points: 5, durationSeconds: HOUR },
  },
  refresh: {
    perIp: { points: 300, durationSeconds: 15 * MINUTE },
    perAccount: { points: 60, durationSeconds: 15 * MINUTE },
  },
};

export const DEFAULT_FAILURE_DELAY: FailureMemoryPolicy = {
  freeAttempts: 5,
  baseMs: 1_000,
  maxMs: 15 * 60_000,
  forgetAfterMs: 24 * 60 * 60_000,
};

/** 0 for the free attempts, then baseMs, 2·baseMs, 4·baseMs … capped at maxMs. */
export function failureDelayMs(consecutiveFailures: number, policy: FailureDelayPolicy): number {
  const beyondFree = Math.floor(consecutiveFailures) - policy.freeAttempts;
  if (!(beyondFree > 0)) return 0;
  // 2 ** large is Infinity, which Math.min turns into the cap.
  return Math.min(policy.maxMs, policy.baseMs * 2 ** (beyondFree - 1));
}

type Limiters = Record<ThrottleAction, { ip: RateLimiterRedis; account: RateLimiterRedis }>;

/**
 * Brute-force protection shared by every instance through Redis. Fixed windows cap volume per
 * IP and per account; on top, consecutive failed logins of one account impose a growing wait.
 * The wait is derived from the last failure's time (injected clock) rather than a Redis TTL so
 * tests can move time; the Redis TTL only garbage-collects old counters.
 */
export class LoginThrottle {
  private readonly redis: Redis;
  private readonly keyPrefix: string;
  private readonly clock: Clock;
  private readonly failureDelay: FailureMemoryPolicy;
  private readonly limiters: Limiters;

  constructor(options: LoginThrottleOptions) {
    this.redis = options.redis;
    this.keyPrefix = options.keyPrefix;
    this.clock = options.clock;
    this.failureDelay = options.failureDelay ?? DEFAULT_FAILURE_DELAY;
    this.limiters = this.buildLimiters(options.limits ?? DEFAULT_THROTTLE_LIMITS);
  }

  /** Counts one attempt of `action` against each key given (one round trip, in parallel). */
  async consume(action: ThrottleAction, keys: ThrottleKeys): Promise<ThrottleResult> {
    const { ip, account } = this.limiters[action];
    const attempts: Promise<ThrottleResult>[] = [];
    if (keys.ip !== undefined) attempts.push(consumeOne(ip, keys.ip, 'ip'));
    if (keys.account !== undefined) {
      attempts.push(consumeOne(account, accountKey(keys.account), 'account'));
    }
    return mostRestrictive(await Promise.all(attempts));
  }

  /**
   * Call before verifying a password, in one round trip. When refused, skip the verification
   * and do not record a failure: waiting out the delay must be enough to get a fair attempt.
   */
  async checkLogin(keys: { ip: string; account: string }): Promise<LoginCheck> {
    const [windows, failures] = await Promise.all([
      this.consume('login', keys),
      this.checkFailureDelay(keys.account),
    ]);
    return {
      ...mostRestrictive([windows, failures.result]),
      failuresOnRecord: failures.onRecord,
    };
  }

  async recordLoginFailure(
    account: string,
  ): Promise<{ consecutiveFailures: number; nextAttemptAt: Date }> {
    const now = this.clock.now();
    const key = this.failureKey(account);
    const replies = await failOpen(
      this.redis
        .multi()
        .hincrby(key, 'failures', 1)
        .hset(key, 'lastFailureAt', String(now.getTime()))
        .pexpire(key, this.failureDelay.forgetAfterMs)
        .exec(),
      [[null, 0]],
    );
    const [error, count] = replies?.[0] ?? [new Error('login failure not recorded'), null];
    if (error) throw error;
    const consecutiveFailures = Number(count);
    const delay = failureDelayMs(consecutiveFailures, this.failureDelay);
    return { consecutiveFailures, nextAttemptAt: new Date(now.getTime() + delay) };
  }

  /** Resets the account's failures; callers skip it when checkLogin found none on record. */
  async recordLoginSuccess(account: string): Promise<void> {
    await failOpen(this.redis.del(this.failureKey(account)), 0);
  }

  private async checkFailureDelay(
    account: string,
  ): Promise<{ result: ThrottleResult; onRecord: number }> {
    const [failures, lastFailureAt] = await failOpen(
      this.redis.hmget(this.failureKey(account), 'failures', 'lastFailureAt'),
      [null, null],
    );
    if (failures === null || lastFailureAt === null) return { result: { ok: true }, onRecord: 0 };
    const onRecord = Number(failures);
    const delay = failureDelayMs(onRecord, this.failureDelay);
    const waitMs = Number(lastFailureAt) + delay - this.clock.now().getTime();
    return { result: waitMs > 0 ? limited('failure_delay', waitMs) : { ok: true }, onRecord };
  }

  private failureKey(account: string): string {
    return `${this.keyPrefix}:login-failures:${accountKey(account)}`;
  }

  private buildLimiters(limits: ThrottleLimits): Limiters {
    const build = (action: ThrottleAction, scope: 'ip' | 'account', limit: WindowLimit) =>
      new RateLimiterRedis({
        storeClient: this.redis,
        keyPrefix: `${this.keyPrefix}:${action}:${scope}`,
        points: limit.points,
        duration: limit.durationSeconds,
        // Redis unavailable: the same window, counted by this process alone (see failOpen).
        rejectIfRedisNotReady: true,
        insuranceLimiter: new RateLimiterMemory({
          points: limit.points,
          duration: limit.durationSeconds,
        }),
      });
    const entries = (Object.keys(limits) as ThrottleAction[]).map((action) => [
      action,
      {
        ip: build(action, 'ip', limits[action].perIp),
        account: build(action, 'account', limits[action].perAccount),
      },
    ]);
    return Object.fromEntries(entries) as Limiters;
  }
}

/**
 * While Redis is unavailable, sign-in keeps working (the README's "Outages" explains why): the
 * windows fall back to per-process memory counters and the failure delay is not applied (no
 * shared record of failures). A Redis that answers with an error still fails the request.
 */
async function failOpen<T>(command: Promise<T>, whileUnavailable: T): Promise<T> {
  try {
    return await command;
  } catch (error) {
    if (unavailableDependency(error) === 'redis') return whileUnavailable;
    throw error;
  }
}

function accountKey(account: string): string {
  return hashToken(account.trim().toLowerCase());
}

async function consumeOne(
  limiter: RateLimiterRedis,
  key: string,
  scope: ThrottleScope,
): Promise<ThrottleResult> {
  try {
    await limiter.consume(key);
    return { ok: true };
  } catch (rejection) {
    // The library rejects with RateLimiterRes when limited and with an Error when Redis fails;
    // the latter must surface, not be mistaken for "limited".
    if (rejection instanceof RateLimiterRes) return limited(scope, rejection.msBeforeNext);
    throw rejection;
  }
}

function limited(scope: ThrottleScope, waitMs: number): RateLimited {
  return { ok: false, scope, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
}

function mostRestrictive(results: ThrottleResult[]): ThrottleResult {
  let worst: ThrottleResult = { ok: true };
  for (const result of results) {
    if (!result.ok && (worst.ok || result.retryAfterSeconds > worst.retryAfterSeconds)) {
      worst = result;
    }
  }
  return worst;
}
