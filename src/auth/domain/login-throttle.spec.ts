import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { ManualClock } from '../../common/clock.js';
import { DEFAULT_THROTTLE_LIMITS, failureDelayMs, LoginThrottle } from './login-throttle.js';
import type { FailureMemoryPolicy, ThrottleLimits } from './login-throttle.js';

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const policy = { freeAttempts: 5, baseMs: SECOND, maxMs: 15 * MINUTE };

describe('failureDelayMs', () => {
  it('allows the free attempts without waiting', () => {
    for (let n = 0; n <= 5; n += 1) expect(failureDelayMs(n, policy)).toBe(0);
  });

  it('doubles from the base after the free attempts', () => {
    expect([6, 7, 8, 9, 10].map((n) => failureDelayMs(n, policy))).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000,
    ]);
  });

  it('caps the wait instead of locking out', () => {
    expect(failureDelayMs(15, policy)).toBe(512_000);
    expect(failureDelayMs(16, policy)).toBe(15 * MINUTE);
    expect(failureDelayMs(1_000_000, policy)).toBe(15 * MINUTE);
  });

  it('treats nonsense counts as no failures', () => {
    expect(failureDelayMs(-3, policy)).toBe(0);
    expect(failureDelayMs(Number.NaN, policy)).toBe(0);
  });
});

describe('LoginThrottle (real Redis)', () => {
  const prefix = `test:${randomUUID()}:auth:throttle`;
  const redis = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true });
  const clock = new ManualClock();
  const limits: ThrottleLimits = {
    ...DEFAULT_THROTTLE_LIMITS,
    forgot: {
      perIp: { points: 5, durationSeconds: 60 },
      perIpAccount: { points: 2, durationSeconds: 3600 },
      perAccount: { points: 4, durationSeconds: 3600, perClientWhenBusy: 1 },
    },
    login: {
      perIp: { points: 1_000, durationSeconds: 60 },
      perIpAccount: { points: 1_000, durationSeconds: 60 },
      perAccount: { points: 1_000, durationSeconds: 60, perClientWhenBusy: 1_000 },
    },
  };
  const failureDelay: FailureMemoryPolicy = { ...policy, forgetAfterMs: 24 * 60 * MINUTE };
  const throttle = new LoginThrottle({ redis, keyPrefix: prefix, clock, limits, failureDelay });

  beforeAll(async () => {
    await redis.connect();
  });

  afterAll(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it('limits one client on an account within its window and reports when to retry', async () => {
    const keys = { ip: '198.51.100.1', account: 'victim@example.com' };
    expect(await throttle.consume('forgot', keys)).toEqual({ ok: true });
    expect(await throttle.consume('forgot', keys)).toEqual({ ok: true });
    const third = await throttle.consume('forgot', keys);
    expect(third).toMatchObject({ ok: false, scope: 'ip_account' });
    if (!third.ok) {
      expect(third.retryAfterSeconds).toBeGreaterThan(3590);
      expect(third.retryAfterSeconds).toBeLessThanOrEqual(3600);
    }
  });

  it('normalises the account so case variants share one counter', async () => {
    await throttle.consume('forgot', { account: 'Case@Example.com' });
    await throttle.consume('forgot', { account: ' case@example.com' });
    expect(await throttle.consume('forgot', { account: 'CASE@EXAMPLE.COM' })).toMatchObject({
      ok: false,
      scope: 'ip_account',
    });
  });

  it('lets the owner through on a client of their own when a third party used up theirs', async () => {
    const account = 'owner@example.com';
    const attacker = { ip: '203.0.113.66', account };
    await throttle.consume('forgot', attacker);
    await throttle.consume('forgot', attacker);
    expect(await throttle.consume('forgot', attacker)).toMatchObject({ ok: false });
    expect(await throttle.consume('forgot', { ip: '198.51.100.66', account })).toEqual({
      ok: true,
    });
  });

  it('bounds a distributed attack on one account, still letting each client start', async () => {
    const account = 'distributed@example.com';
    const from = (n: number) => ({ ip: `203.0.113.${100 + n}`, account });
    // Four attempts reach the ceiling; each of these clients stays within its own limit of two.
    for (const n of [1, 1, 2, 2])
      expect(await throttle.consume('forgot', from(n))).toEqual({ ok: true });
    // Over the ceiling: a client's first attempt of the window passes, a second does not.
    expect(await throttle.consume('forgot', from(3))).toEqual({ ok: true });
    const second = await throttle.consume('forgot', from(3));
    expect(second).toMatchObject({ ok: false, scope: 'account' });
    if (!second.ok) expect(second.retryAfterSeconds).toBeGreaterThan(3590);
    expect(await throttle.consume('forgot', from(4))).toEqual({ ok: true });
  });

  it('limits an IP across accounts', async () => {
    const ip = '203.0.113.7';
    for (let i = 0; i < 5; i += 1) {
      expect(await throttle.consume('forgot', { ip, account: `user${i}@example.com` })).toEqual({
        ok: true,
      });
    }
    expect(await throttle.consume('forgot', { ip, account: 'user9@example.com' })).toMatchObject({
      ok: false,
      scope: 'ip',
    });
  });

  it('keeps actions apart', async () => {
    const keys = { ip: '192.0.2.44', account: 'apart@example.com' };
    await throttle.consume('forgot', keys);
    await throttle.consume('forgot', keys);
    expect(await throttle.consume('forgot', keys)).toMatchObject({ ok: false });
    expect(await throttle.consume('resend', keys)).toEqual({ ok: true });
  });

  it('stores no email address in Redis keys', async () => {
    await throttle.consume('resend', { account: 'private.person@example.com' });
    await throttle.recordLoginFailure({ ip: '192.0.2.1', account: 'private.person@example.com' });
    const keys = await redis.keys(`${prefix}:*`);
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.some((key) => key.includes('private.person'))).toBe(false);
  });

  it('lets free failures through, then imposes a doubling wait', async () => {
    clock.set(new Date('2026-03-01T10:00:00Z'));
    const keys = { ip: '198.51.100.20', account: 'slow@example.com' };
    for (let i = 1; i <= 5; i += 1) {
      expect(await throttle.checkLogin(keys)).toEqual({ ok: true, failuresOnRecord: i - 1 });
      const { consecutiveFailures } = await throttle.recordLoginFailure(keys);
      expect(consecutiveFailures).toBe(i);
    }
    expect(await throttle.checkLogin(keys)).toEqual({ ok: true, failuresOnRecord: 5 });

    const sixth = await throttle.recordLoginFailure(keys);
    expect(sixth.nextAttemptAt).toEqual(new Date('2026-03-01T10:00:01Z'));
    expect(await throttle.checkLogin(keys)).toEqual({
      ok: false,
      scope: 'failure_delay',
      retryAfterSeconds: 1,
      failuresOnRecord: 6,
    });
    clock.advance(999);
    expect(await throttle.checkLogin(keys)).toMatchObject({ ok: false });
    clock.advance(1);
    expect(await throttle.checkLogin(keys)).toEqual({ ok: true, failuresOnRecord: 6 });

    await throttle.recordLoginFailure(keys);
    expect(await throttle.checkLogin(keys)).toMatchObject({ retryAfterSeconds: 2 });
    clock.advance(2 * SECOND);
    expect(await throttle.checkLogin(keys)).toEqual({ ok: true, failuresOnRecord: 7 });
  });

  it('caps the wait and never locks the account for good', async () => {
    const account = 'capped@example.com';
    for (let i = 0; i < 40; i += 1) {
      await throttle.recordLoginFailure({ ip: '198.51.100.30', account });
    }
    const blocked = await throttle.checkLogin({ ip: '198.51.100.30', account });
    expect(blocked).toEqual({
      ok: false,
      scope: 'failure_delay',
      retryAfterSeconds: 900,
      failuresOnRecord: 40,
    });
    clock.advance(15 * MINUTE);
    expect(await throttle.checkLogin({ ip: '198.51.100.30', account })).toMatchObject({
      ok: true,
    });
  });

  it('resets the failure count after a success', async () => {
    const keys = { ip: '198.51.100.40', account: 'forgetful@example.com' };
    for (let i = 0; i < 8; i += 1) await throttle.recordLoginFailure(keys);
    expect(await throttle.checkLogin(keys)).toMatchObject({ ok: false });
    await throttle.recordLoginSuccess(keys);
    expect(await throttle.checkLogin(keys)).toEqual({ ok: true, failuresOnRecord: 0 });
    expect((await throttle.recordLoginFailure(keys)).consecutiveFailures).toBe(1);
  });

  it('does not slow the owner down on a client that has not failed', async () => {
    const account = 'targeted@example.com';
    for (let i = 0; i < 10; i += 1)
      await throttle.recordLoginFailure({ ip: `203.0.113.${i}`, account });
    const owner = { ip: '198.51.100.77', account };
    expect(await throttle.checkLogin(owner)).toEqual({ ok: true, failuresOnRecord: 10 });
    // Once this client fails too, the account-wide wait applies to it as well.
    await throttle.recordLoginFailure(owner);
    expect(await throttle.checkLogin(owner)).toMatchObject({ ok: false, scope: 'failure_delay' });
  });

  it('does not slow down other accounts', async () => {
    for (let i = 0; i < 10; i += 1) {
      await throttle.recordLoginFailure({ ip: '198.51.100.50', account: 'target@example.com' });
    }
    expect(
      await throttle.checkLogin({ ip: '198.51.100.50', account: 'bystander@example.com' }),
    ).toEqual({ ok: true, failuresOnRecord: 0 });
  });

  it('lets failure counters expire in Redis', async () => {
    const account = 'expiring@example.com';
    await throttle.recordLoginFailure({ ip: '198.51.100.55', account });
    const keys = await redis.keys(`${prefix}:login-failures:*`);
    const ttls = await Promise.all(keys.map((key) => redis.pttl(key)));
    expect(ttls.every((ttl) => ttl > 0 && ttl <= failureDelay.forgetAfterMs)).toBe(true);
  });

  it('fails open to per-process windows while Redis is unavailable', async () => {
    const down = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true });
    const twoPerIp: ThrottleLimits = {
      ...DEFAULT_THROTTLE_LIMITS,
      login: { ...DEFAULT_THROTTLE_LIMITS.login, perIp: { points: 2, durationSeconds: 60 } },
    };
    const broken = new LoginThrottle({ redis: down, keyPrefix: prefix, clock, limits: twoPerIp });
    down.disconnect();
    const ip = '198.51.100.60';
    expect(await broken.consume('login', { ip })).toEqual({ ok: true });
    expect(await broken.checkLogin({ ip, account: 'down@example.com' })).toEqual({
      ok: true,
      failuresOnRecord: 0,
    });
    expect(await broken.consume('login', { ip })).toMatchObject({ ok: false, scope: 'ip' });
    await expect(
      broken.recordLoginFailure({ ip, account: 'down@example.com' }),
    ).resolves.toMatchObject({
      consecutiveFailures: 0,
    });
    await expect(
      broken.recordLoginSuccess({ ip, account: 'down@example.com' }),
    ).resolves.toBeUndefined();
  });
});
