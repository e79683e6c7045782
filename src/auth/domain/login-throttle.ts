import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { Clock } from '../../common/clock.js';
import { unavailableDependency } from '../../common/dependency-errors.js';
import { hashToken } from './tokens.js';

export type ThrottleAction = 'login' | 'register' | 'forgot' | 'resend' | 'refresh';
export type ThrottleScope = 'ip' | 'ip_account' | 'account' | 'failure_delay';

export interface WindowLimit {
  points: number;
  durationSeconds: number;
}

export interface AccountCeiling extends WindowLimit {
  /**
   * Over the ceiling, a client still gets this many attempts per window on the account, so a
   * third party using up the ceiling slows the owner down but cannot lock them out, while a
   * distributed attack costs it a fresh IP every few attempts.
   */
  perClientWhenBusy: number;
}

export interface ActionLimits {
  /** One IP across every account. */
  perIp: WindowLimit;
  /** One IP on one account: what a person retrying sees; nobody else can use it up. */
  perIpAccount: WindowLimit;
  /** Every IP on one account together: bounds a distributed attack. */
  perAccount: AccountCeiling;
}

export type ThrottleLimits = Record<ThrottleAction, ActionLimits>;

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
  /** Absent: the client's IP is unknown; its account attempts share one `unknown` client. */
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

/**
 * Per-IP limits are looser than per-account ones because many users can share one NAT. The
 * account ceilings are a few clients' worth of the per-client limit.
 */
export const DEFAULT_THROTTLE_LIMITS: ThrottleLimits = {
  login: {
    perIp: { points: 100, durationSeconds: 15 * MINUTE },
    perIpAccount: { points: 30, durationSeconds: 15 * MINUTE },
    perAccount: { points: 100, durationSeconds: 15 * MINUTE, perClientWhenBusy: 3 },
  },
  // Sign-up spam and probing for taken addresses.
  register: {
    perIp: { points: 20, durationSeconds: HOUR },
    perIpAccount: { points: 5, durationSeconds: HOUR },
    perAccount: { points: 20, durationSeconds: HOUR, perClientWhenBusy: 1 },
  },
  forgot: {
    perIp: { points: 20, durationSeconds: HOUR },
    perIpAccount: { points: 5, durationSeconds: HOUR },
    perAccount: { points: 20, durationSeconds: HOUR, perClientWhenBusy: 1 },
  },
  resend: {
    perIp: { points: 20, durationSeconds: HOUR },
    perIpAccount: { points: 5, durationSeconds: HOUR },
    perAccount: { points: 20, durationSeconds: HOUR, perClientWhenBusy: 1 },
  },
  // The account is the refresh token's user: only its holder can spend these.
  refresh: {
    perIp: { points: 300, durationSeconds: 15 * MINUTE },
    perIpAccount: { points: 60, durationSeconds: 15 * MINUTE },
    perAccount: { points: 300, durationSeconds: 15 * MINUTE, perClientWhenBusy: 10 },
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

type Limiters = Record<
  ThrottleAction,
  { ip: RateLimiterRedis; ipAccount: RateLimiterRedis; account: RateLimiterRedis }
>;

/**
 * Brute-force protection shared by every instance through Redis, built so that a third party
 * cannot lock an account's owner out. Fixed windows cap volume per IP, per IP and account, and
 * per account; the account ceiling only slows (see AccountCeiling). On top, consecutive failed
 * logins impose a growing wait, counted per IP and account and per account: the account-wide
 * wait applies only to clients that have themselves failed on the account, so failures from
 * elsewhere do not slow the owner down on a device that did not fail.
 * The wait is derived from the last failure's time (injected clock) rather than a Redis TTL so
 * tests can move time; the Redis TTL only garbage-collects old counters.
 */
export class LoginThrottle {
  private readonly redis: Redis;
  private readonly keyPrefix: string;
  private readonly clock: Clock;
  private readonly failureDelay: FailureMemoryPolicy;
  private readonly limiters: Limiters;
  private readonly limits: ThrottleLimits;

  constructor(options: LoginThrottleOptions) {
    this.redis = options.redis;
    this.keyPrefix = options.keyPrefix;
    this.clock = options.clock;
    this.failureDelay = options.failureDelay ?? DEFAULT_FAILURE_DELAY;
    this.limits = options.limits ?? DEFAULT_THROTTLE_LIMITS;
    this.limiters = this.buildLimiters(this.limits);
  }

  /** Counts one attempt of `action` against each key given (one round trip, in parallel). */
  async consume(action: ThrottleAction, keys: ThrottleKeys): Promise<ThrottleResult> {
    const attempts: Promise<ThrottleResult>[] = [];
    if (keys.ip !== undefined) {
      attempts.push(consumeOne(this.limiters[action].ip, keys.ip, 'ip').then(verdict));
    }
    if (keys.account !== undefined) {
      attempts.push(this.consumeAccount(action, keys.account, keys.ip));
    }
    return mostRestrictive(await Promise.all(attempts));
  }

  private async consumeAccount(
    action: ThrottleAction,
    account: string,
    ip: string | undefined,
  ): Promise<ThrottleResult> {
    const { ipAccount, account: ceiling } = this.limiters[action];
    const [client, overall] = await Promise.all([
      consumeOne(ipAccount, clientKey(account, ip), 'ip_account'),
      consumeOne(ceiling, accountKey(account), 'account'),
    ]);
    if (!client.ok) return verdict(client);
    if (overall.ok || client.consumed <= this.limits[action].perAccount.perClientWhenBusy) {
      return { ok: true };
    }
    return verdict(overall);
  }

  /**
   * Call before verifying a password, in one round trip. When refused, skip the verification
   * and do not record a failure: waiting out the delay must be enough to get a fair attempt.
   */
  async checkLogin(keys: { ip: string; account: string }): Promise<LoginCheck> {
    const [windows, own, everyone] = await Promise.all([
      this.consume('login', keys),
      this.checkFailureDelay(this.clientFailureKey(keys)),
      this.checkFailureDelay(this.failureKey(keys.account)),
    ]);
    // The account-wide wait only for a client that failed on this account itself.
    const delays = own.onRecord > 0 ? [own.result, everyone.result] : [own.result];
    return {
      ...mostRestrictive([windows, ...delays]),
      failuresOnRecord: Math.max(own.onRecord, everyone.onRecord),
    };
  }

  /** Returns the account's consecutive failures (from every client) and its client's next turn. */
  async recordLoginFailure(keys: {
    ip: string;
    account: string;
  }): Promise<{ consecutiveFailures: number; nextAttemptAt: Date }> {
    const now = this.clock.now();
    const [own, everyone] = await Promise.all([
      this.countFailure(this.clientFailureKey(keys), now),
      this.countFailure(this.failureKey(keys.account), now),
    ]);
    const delay = Math.max(
      failureDelayMs(own, this.failureDelay),
      failureDelayMs(everyone, this.failureDelay),
    );
    return { consecutiveFailures: everyone, nextAttemptAt: new Date(now.getTime() + delay) };
  }

  /**
   * Resets the account's failures and those of the client that succeeded (if known); callers
   * skip it when checkLogin found none on record.
   */
  async recordLoginSuccess(keys: { ip?: string; account: string }): Promise<void> {
    const stale = [this.failureKey(keys.account)];
    if (keys.ip !== undefined) stale.push(this.clientFailureKey({ ...keys, ip: keys.ip }));
    await failOpen(this.redis.del(...stale), 0);
  }

  private async countFailure(key: string, now: Date): Promise<number> {
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
    return Number(count);
  }

  private async checkFailureDelay(
    key: string,
  ): Promise<{ result: ThrottleResult; onRecord: number }> {
    const [failures, lastFailureAt] = await failOpen(
      this.redis.hmget(key, 'failures', 'lastFailureAt'),
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

  private clientFailureKey(keys: { ip: string; account: string }): string {
    return `${this.keyPrefix}:login-failures:client:${clientKey(keys.account, keys.ip)}`;
  }

  private buildLimiters(limits: ThrottleLimits): Limiters {
    const build = (action: ThrottleAction, scope: string, limit: WindowLimit) =>
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
        ipAccount: build(action, 'ip-account', limits[action].perIpAccount),
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

/** One client on one account, hashed: neither the address nor the IP is stored in a key. */
function clientKey(account: string, ip: string | undefined): string {
  return hashToken(`${account.trim().toLowerCase()}\n${ip ?? 'unknown'}`);
}

interface Consumed {
  ok: boolean;
  scope: ThrottleScope;
  /** Points used in the window, this attempt included. */
  consumed: number;
  msBeforeNext: number;
}

async function consumeOne(
  limiter: RateLimiterRedis,
  key: string,
  scope: ThrottleScope,
): Promise<Consumed> {
  try {
    const res = await limiter.consume(key);
    return { ok: true, scope, consumed: res.consumedPoints, msBeforeNext: res.msBeforeNext };
  } catch (rejection) {
    // The library rejects with RateLimiterRes when limited and with an Error when Redis fails;
    // the latter must surface, not be mistaken for "limited".
    if (!(rejection instanceof RateLimiterRes)) throw rejection;
    const { consumedPoints, msBeforeNext } = rejection;
    return { ok: false, scope, consumed: consumedPoints, msBeforeNext };
  }
}

function verdict(result: Consumed): ThrottleResult {
  return result.ok ? { ok: true } : limited(result.scope, result.msBeforeNext);
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
