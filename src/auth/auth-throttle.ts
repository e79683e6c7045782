import { Inject, Injectable } from '@nestjs/common';
import { Redis } from 'ioredis';
import { Clock } from '../common/clock.js';
import { APP_CONFIG, type AppConfig } from '../config/index.js';
import { ProblemException } from '../http/problem.exception.js';
import {
  DEFAULT_THROTTLE_LIMITS,
  LoginThrottle,
  type ThrottleAction,
  type ThrottleKeys,
  type ThrottleLimits,
  type ThrottleResult,
} from './domain/login-throttle.js';

/** LoginThrottle on the app's Redis (keys under `<QUEUE_PREFIX>:auth:throttle`), as 429 problems. */
@Injectable()
export class AuthThrottle {
  readonly throttle: LoginThrottle;

  constructor(redis: Redis, clock: Clock, @Inject(APP_CONFIG) config: AppConfig) {
    this.throttle = new LoginThrottle({
      redis,
      // The client already prefixes every key with `<QUEUE_PREFIX>:`.
      keyPrefix: 'auth:throttle',
      clock,
      limits: scaleIpLimits(DEFAULT_THROTTLE_LIMITS, config.auth.ipLimitMultiplier),
    });
  }

  async consume(
    action: ThrottleAction,
    keys: { ip?: string | null; account?: string },
  ): Promise<void> {
    assertAllowed(await this.throttle.consume(action, withoutNullIp(keys)));
  }
}

export function assertAllowed(result: ThrottleResult): void {
  if (result.ok) return;
  throw new ProblemException({
    status: 429,
    slug: 'too-many-requests',
    detail: `Too many attempts. Try again in ${result.retryAfterSeconds} seconds.`,
    headers: { 'Retry-After': String(result.retryAfterSeconds) },
    extensions: { retryAfter: result.retryAfterSeconds },
  });
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
