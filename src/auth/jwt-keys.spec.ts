import { describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { Request } from 'express';
import { ManualClock } from '../common/clock.js';
import { loadConfig } from '../config/index.js';
import { jwtKeyId } from '../config/auth.config.js';
import { AccessTokens } from './access-tokens.js';
import { JwtStrategy } from './guard/jwt.strategy.js';
import { runStrategy } from './guard/run-strategy.js';
import { jwtHeader } from './jwt-keys.js';
import type { SessionCache } from './session-cache.js';

const OLD = 'o'.repeat(40);
const NEW = 'n'.repeat(40);
const OTHER = 'x'.repeat(40);

const configWith = (env: Record<string, string>) =>
  loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: 'postgres://x@127.0.0.1:1/x',
    REDIS_URL: 'redis://127.0.0.1:1',
    ...env,
  });

const clock = new ManualClock(new Date('2026-03-01T12:00:00Z'));
const sessions = { isActive: async () => true } as unknown as SessionCache;
const subject = {
  userId: randomUUID(),
  sessionId: randomUUID(),
  role: 'user' as const,
  amr: ['pwd' as const],
};

const tokenFrom = async (env: Record<string, string>) =>
  (await new AccessTokens(configWith(env), clock).issue(subject, new Date('2027-01-01'))).token;

/** Whether an api configured with `env` accepts the bearer token (the real passport-jwt path). */
async function accepts(env: Record<string, string>, token: string): Promise<boolean> {
  const strategy = new JwtStrategy(configWith(env), clock, sessions);
  const req = { headers: { authorization: `Bearer ${token}` } } as unknown as Request;
  const { user } = await runStrategy(strategy, req);
  return user !== false;
}

describe('JWT key rotation (kid)', () => {
  it('names the signing key in the header: a kid derived from the secret', async () => {
    const token = await tokenFrom({ JWT_SECRET: NEW });
    expect(jwtHeader(token)).toEqual({ alg: 'HS256', typ: 'JWT', kid: jwtKeyId(NEW) });
    expect(jwtKeyId(NEW)).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(jwtKeyId(NEW)).not.toBe(jwtKeyId(OLD));
  });

  it('walks a rotation: old only, new + old as previous, new only', async () => {
    const before = await tokenFrom({ JWT_SECRET: OLD });
    const during = { JWT_SECRET: NEW, JWT_PREVIOUS_SECRETS: OLD };
    const after = { JWT_SECRET: NEW };
    const signedDuring = await tokenFrom(during);

    expect(await accepts({ JWT_SECRET: OLD }, before)).toBe(true);
    // During: the old key's tokens still verify, the new key signs.
    expect(await accepts(during, before)).toBe(true);
    expect(await accepts(during, signedDuring)).toBe(true);
    expect(jwtHeader(signedDuring)?.kid).toBe(jwtKeyId(NEW));
    // After the old key is dropped, its tokens are refused; the new one's still pass.
    expect(await accepts(after, before)).toBe(false);
    expect(await accepts(after, signedDuring)).toBe(true);
  });

  it('refuses an unknown kid, a non-string kid and a kid naming one key signed by another', async () => {
    const token = await tokenFrom({ JWT_SECRET: NEW });
    const [, payload, signature] = token.split('.') as [string, string, string];
    const withHeader = (header: object) =>
      `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${payload}.${signature}`;
    const env = { JWT_SECRET: NEW, JWT_PREVIOUS_SECRETS: OLD };
    expect(await accepts(env, token)).toBe(true);
    expect(await accepts(env, withHeader({ alg: 'HS256', typ: 'JWT', kid: 'nope' }))).toBe(false);
    expect(await accepts(env, withHeader({ alg: 'HS256', typ: 'JWT', kid: 7 }))).toBe(false);
    // Signed by NEW but claiming OLD's kid: the signature check against OLD fails.
    expect(await accepts(env, withHeader({ alg: 'HS256', typ: 'JWT', kid: jwtKeyId(OLD) }))).toBe(
      false,
    );
    // A key nobody configured, even with its own kid.
    expect(await accepts(env, await tokenFrom({ JWT_SECRET: OTHER }))).toBe(false);
  });

  it('checks a token without kid (issued before key ids) against the signing key only', async () => {
    const token = await tokenFrom({ JWT_SECRET: OLD });
    const [, payload] = token.split('.') as [string, string, string];
    const { createHmac } = await import('node:crypto');
    const header = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
    const sig = (secret: string) =>
      createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
    expect(await accepts({ JWT_SECRET: OLD }, `${header}.${payload}.${sig(OLD)}`)).toBe(true);
    expect(
      await accepts(
        { JWT_SECRET: NEW, JWT_PREVIOUS_SECRETS: OLD },
        `${header}.${payload}.${sig(OLD)}`,
      ),
    ).toBe(false);
  });

  it('validates JWT_PREVIOUS_SECRETS: each ≥ 32 characters, at most 5; the current one is not repeated', () => {
    expect(() => configWith({ JWT_SECRET: NEW, JWT_PREVIOUS_SECRETS: `${OLD},short` })).toThrow(
      /JWT_PREVIOUS_SECRETS/,
    );
    expect(() =>
      configWith({ JWT_SECRET: NEW, JWT_PREVIOUS_SECRETS: Array(6).fill(OLD).join(',') }),
    ).toThrow(/JWT_PREVIOUS_SECRETS/);
    const config = configWith({ JWT_SECRET: NEW, JWT_PREVIOUS_SECRETS: ` ${OLD} , ${NEW} ` });
    expect(config.auth.jwtKeys.map((k) => k.kid)).toEqual([jwtKeyId(NEW), jwtKeyId(OLD)]);
  });
});
