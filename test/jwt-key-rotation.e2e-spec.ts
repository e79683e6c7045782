import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { jwtHeader } from '../src/auth/jwt-keys.js';
import { jwtKeyId } from '../src/config/auth.config.js';
import { DEVELOPMENT_JWT_SECRET } from '../src/config/index.js';
import { login, signUp, type SignedUp } from './support/auth.js';
import { createTestApp, type TestApp } from './support/test-app.js';

const API = '/api/v1';

/**
 * A rotation as operators run it, one configuration after the other on the same database:
 * before (the old key signs), during (a new key signs, the old one is kept in
 * JWT_PREVIOUS_SECRETS), after (the old key is dropped). The old key is the test environment's
 * default secret, so anything the run's other workers read (sealed mail tokens) stays readable.
 */
describe('rotating the JWT key', () => {
  const OLD = DEVELOPMENT_JWT_SECRET;
  const NEW = randomBytes(32).toString('base64url');
  let before: TestApp;
  let during: TestApp;
  let after: TestApp;
  let ann: SignedUp;

  const me = (t: TestApp, token: string) => t.withToken(token).get(`${API}/users/me`);

  beforeAll(async () => {
    before = await createTestApp({ APP_ROLE: 'api' });
    during = await createTestApp({ APP_ROLE: 'api', JWT_SECRET: NEW, JWT_PREVIOUS_SECRETS: OLD });
    after = await createTestApp({ APP_ROLE: 'api', JWT_SECRET: NEW });
    ann = await signUp(before);
  });

  afterAll(async () => {
    await Promise.all([before, during, after].map((t) => t?.close()));
  });

  it('tokens name their key: the old kid before, the new kid once the new key is current', async () => {
    expect(jwtHeader(ann.accessToken)).toMatchObject({ alg: 'HS256', kid: jwtKeyId(OLD) });
    const fresh = await login(during, ann.email, ann.password);
    expect(jwtHeader(fresh.accessToken)).toMatchObject({ kid: jwtKeyId(NEW) });
    const refreshed = await during.http
      .post(`${API}/auth/refresh`)
      .send({ refreshToken: fresh.refreshToken })
      .expect(200);
    expect(jwtHeader(refreshed.body.accessToken)).toMatchObject({ kid: jwtKeyId(NEW) });
  });

  it('during the rotation both keys verify; after it only the new one', async () => {
    const fresh = await login(during, ann.email, ann.password);
    await me(during, ann.accessToken).expect(200);
    await me(during, fresh.accessToken).expect(200);
    await me(after, fresh.accessToken).expect(200);
    await me(after, ann.accessToken).expect(401);
    // An instance still on the old configuration does not know the new key: why the README's
    // zero-downtime procedure first ships the new secret as a verify-only one.
    await me(before, fresh.accessToken).expect(401);
  });

  it('answers 401 for a kid no instance holds, even with a valid signature for another key', async () => {
    const [, payload, signature] = ann.accessToken.split('.') as [string, string, string];
    const header = (kid: unknown) =>
      Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT', kid })).toString('base64url');
    await me(during, `${header('retired-key')}.${payload}.${signature}`).expect(401);
    await me(during, `${header(jwtKeyId(NEW))}.${payload}.${signature}`).expect(401);
    await me(during, `${header(jwtKeyId(OLD))}.${payload}.${signature}`).expect(200);
  });
});
