import { describe, it, expect } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';
import { ManualClock } from '../common/clock.js';
import { loadConfig } from '../config/index.js';
import { AccessTokens } from './access-tokens.js';
import { JwtKeyRing } from './jwt-keys.js';
import { JwtStrategy } from './guard/jwt.strategy.js';
import { openPair, sealPair } from './domain/refresh-grace.js';
import type { SessionCache } from './session-cache.js';
import { deviceNameFrom } from './domain/device-name.js';

const config = loadConfig({
  NODE_ENV: 'test',
  DATABASE_URL: 'postgres://x@127.0.0.1:1/x',
  REDIS_URL: 'redis://127.0.0.1:1',
});
const MINUTE = 60_000;

function setup(live = true) {
  const clock = new ManualClock(new Date('2026-03-01T12:00:00Z'));
  const sessions = { isActive: async () => live } as unknown as SessionCache;
  return {
    clock,
    tokens: new AccessTokens(config, clock),
    strategy: new JwtStrategy(config, clock, sessions),
  };
}

const claimsOf = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as Record<
    string,
    unknown
  >;

describe('access tokens and their validation (ManualClock)', () => {
  const subject = {
    userId: randomUUID(),
    sessionId: randomUUID(),
    role: 'user' as const,
    amr: ['pwd' as const],
  };
  const farEnd = new Date('2027-01-01T00:00:00Z');

  it('lives 15 minutes by default and is valid until its last second', async () => {
    const { clock, tokens, strategy } = setup();
    const issued = await tokens.issue(subject, farEnd);
    expect(issued.expiresIn).toBe(900);
    const claims = claimsOf(issued.token);
    expect(claims).toMatchObject({
      sub: subject.userId,
      sid: subject.sessionId,
      amr: ['pwd'],
      aal: 'aal1',
      iss: 'app-backend',
      aud: 'app-api',
    });
    clock.advance(15 * MINUTE - 1_000);
    expect(await strategy.validate(claims)).toEqual({ ...subject, aal: 'aal1' });
    clock.advance(1_000);
    expect(await strategy.validate(claims)).toBe(false);
  });

  it('never outlives the session', async () => {
    const { clock, tokens } = setup();
    const end = new Date(clock.now().getTime() + 5 * MINUTE);
    const issued = await tokens.issue(subject, end);
    expect(issued.expiresIn).toBe(300);
    expect(claimsOf(issued.token).exp).toBe(end.getTime() / 1000);
  });

  it('derives the level from amr, never from the aal claim; a token from before amr is a password', async () => {
    const { tokens, strategy } = setup();
    const claims = claimsOf(
      (await tokens.issue({ ...subject, amr: ['pwd', 'otp'] }, farEnd)).token,
    );
    expect(claims).toMatchObject({ amr: ['pwd', 'otp'], aal: 'aal2' });
    expect(await strategy.validate(claims)).toMatchObject({ aal: 'aal2' });
    expect(await strategy.validate({ ...claims, amr: ['pwd'], aal: 'aal2' })).toMatchObject({
      aal: 'aal1',
    });
    const { amr: _amr, aal: _aal, ...legacy } = claims;
    expect(await strategy.validate(legacy)).toMatchObject({ amr: ['pwd'], aal: 'aal1' });
  });

  it('refuses revoked sessions and malformed claims', async () => {
    const { tokens, strategy } = setup(false);
    const claims = claimsOf((await tokens.issue(subject, farEnd)).token);
    expect(await strategy.validate(claims)).toBe(false);
    const live = setup(true).strategy;
    expect(await live.validate({ ...claims, sub: 'x' })).toBe(false);
    expect(await live.validate({ ...claims, role: 'root' })).toBe(false);
    expect(await live.validate({ ...claims, amr: ['sms'] })).toBe(false);
    expect(await live.validate({ ...claims, exp: undefined })).toBe(false);
  });
});

describe('refresh grace sealing', () => {
  const pair = { accessToken: 'a.b.c', refreshToken: 'r'.repeat(43), expiresIn: 900 };

  it('opens only with the token it was sealed for', () => {
    const sealed = sealPair('old-token', pair);
    expect(sealed).not.toContain(pair.refreshToken);
    expect(openPair('old-token', sealed)).toEqual(pair);
    expect(openPair('other-token', sealed)).toBeNull();
    expect(openPair('old-token', 'garbage')).toBeNull();
  });
});

describe('access token signing', () => {
  it("writes byte for byte the token jose's SignJWT wrote, which jose verifies", async () => {
    const clock = new ManualClock(new Date('2026-03-01T12:00:00Z'));
    const subject = {
      userId: randomUUID(),
      sessionId: randomUUID(),
      role: 'admin' as const,
      amr: ['pwd' as const],
    };
    const end = new Date('2027-01-01T00:00:00Z');
    const issued = await new AccessTokens(config, clock).issue(subject, end);
    const now = clock.now().getTime() / 1000;
    const expected = await new SignJWT({
      sid: subject.sessionId,
      role: subject.role,
      amr: subject.amr,
      aal: 'aal1',
    })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT', kid: JwtKeyRing.of(config).signing.kid })
      .setSubject(subject.userId)
      .setIssuer(config.auth.jwtIssuer)
      .setAudience(config.auth.jwtAudience)
      .setIssuedAt(now)
      .setExpirationTime(now + 900)
      .sign(JwtKeyRing.of(config).signing.key);
    expect(issued.token).toBe(expected);
    const { payload } = await jwtVerify(issued.token, JwtKeyRing.of(config).signing.key, {
      currentDate: clock.now(),
      issuer: config.auth.jwtIssuer,
      audience: config.auth.jwtAudience,
    });
    expect(payload).toMatchObject({ sub: subject.userId, sid: subject.sessionId, role: 'admin' });
  });
});

describe('deviceNameFrom', () => {
  it('prefers the client-given name, else derives one from the user agent', () => {
    expect(deviceNameFrom('  My Phone ', null)).toBe('My Phone');
    expect(
      deviceNameFrom(
        undefined,
        'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
      ),
    ).toBe('Firefox on Linux');
    expect(deviceNameFrom(undefined, null)).toBe('Unknown device');
  });
});
