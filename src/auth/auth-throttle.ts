import { Inject, Injectable } from '@nestjs/common';
import { Redis } from 'ioredis';
import { Clock } from '../common/clock.js';
import { APP_CONFIG, type AppConfig } from '../config/index.js';
import { tooManyAttempts } from './domain/auth.errors.js';
import {
  DEFAULT_THROTTLE_LIMITS,
  LoginThrottle,
  type LoginCheck,
  type ThrottleAction,
  type ThrottleKeys,
  type ThrottleLimits,
  type ThrottleResult,
} from './domain/login-throttle.js';

/** Keys of a login attempt: the caller's IP and the account's email. */
export interface LoginKeys {
  ip: string;
  account: string;
}

/** LoginThrottle on the app's Redis (keys under `<QUEUE_PREFIX>:auth:throttle`). */
@Injectable()
export class AuthThrottle {
  private readonly throttle: LoginThrottle;

  constructor(redis: Redis, clock: Clock, @Inject(APP_CONFIG) config: AppConfig) {
    this.throttle = new LoginThrottle({
      redis,
      // The client already prefixes every key with `<QUEUE_PREFIX>:`.
      keyPrefix: 'auth:throttle',
      clock,
      limits: scaleIpLimits(DEFAULT_THROTTLE_LIMITS, config.auth.ipLimitMultiplier),
    });
  }

  /** Counts one attempt at the action; throws `too-many-requests` past the limit. */
  async consume(
    action: ThrottleAction,
    keys: { ip?: string | null; account?: string },
  ): Promise<void> {
    assertAllowed(await this.throttle.consume(action, withoutNullIp(keys)));
  }

  /** Whether a password may be tried now (the caller decides what to record before refusing). */
  checkLogin(keys: LoginKeys): Promise<LoginCheck> {
    return this.throttle.checkLogin(keys);
  }

  recordLoginFailure(keys: LoginKeys): Promise<{ consecutiveFailures: number }> {
    return this.throttle.recordLoginFailure(keys);
  }

  recordLoginSuccess(keys: { ip?: string; account: string }): Promise<void> {
    return this.throttle.recordLoginSuccess(keys);
  }
}

/** Throws `too-many-requests` (429 with Retry-After) unless the result allows the attempt. */
export function assertAllowed(result: ThrottleResult): void {
  if (!result.ok) throw tooManyAttempts(result.retryAfterSeconds);
}

/** The throttle keys of a client and account (an unknown IP shares one bucket). */
export function loginKeys(ip: string | null, account: string): LoginKeys {
  return { ip: ip ?? 'unknown', account };
}

function withoutNullIp(keys: { ip?: string | null; account?: string }): ThrottleKeys {
  return {
    ...(keys.ip ? { ip: keys.ip } : {}),
    ...(keys.account !== undefined ? { account: keys.account } : {}),
  };
}

function scaleIpLimits(limits: ThrottleLimits, factor: number): ThrottleLimits {
  const scaled = Object.entries(limits).map(([action, limit]) => [
    action,
    { ...limit, perIp: { ...limit.perIp, points: limit.perIp.points * factor } },
  ]);
  return Object.fromEntries(scaled) as ThrottleLimits;
}
