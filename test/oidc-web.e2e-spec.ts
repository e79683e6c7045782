import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { signUp } from './support/auth.js';
import { TestOidcProvider } from './support/oidc-provider.js';
import { createTestApp, type TestApp } from './support/test-app.js';

const API = '/api/v1';
const APP_REDIRECT = 'https://app.example.test/signed-in';
const CALLBACK_BASE = 'https://api.example.test/api/v1';

describe('social sign-in in the browser (authorization code + PKCE)', () => {
  let t: TestApp;
  let idp: TestOidcProvider;

  /** Our authorize endpoint: the provider URL it redirects to. */
  const authorize = async (redirectUri = APP_REDIRECT) => {
    const res = await t.http
      .get(`${API}/auth/oidc/acme/authorize`)
      .query({ redirectUri })
      .expect(302);
    return new URL(res.headers.location as string);
  };
  /** The browser at the provider: it signs the user in and redirects to our callback. */
  const atProvider = async (providerUrl: URL) => {
    const res = await fetch(providerUrl, { redirect: 'manual' });
    expect(res.status).toBe(302);
    const back = new URL(res.headers.get('location') as string);
    expect(back.href.startsWith(`${CALLBACK_BASE}/auth/oidc/acme/callback?`)).toBe(true);
    return `${back.pathname}${back.search}`;
  };
  const fragmentOf = (location: string) => {
    const url = new URL(location);
    expect(`${url.origin}${url.pathname}`).toBe(APP_REDIRECT);
    return new URLSearchParams(url.hash.slice(1));
  };

  beforeAll(async () => {
    idp = await new TestOidcProvider(['web-client'], 'web-secret').start();
    t = await createTestApp(env());
  });
  const env = (): Record<string, string> => ({
    ARGON2_MEMORY_KIB: '1024',
    ARGON2_TIME_COST: '1',
    OIDC_PROVIDERS: 'acme',
    OIDC_REDIRECT_URIS: `${APP_REDIRECT},https://other.example.test/cb`,
    OIDC_CALLBACK_BASE_URL: CALLBACK_BASE,
    ...idp.env('acme'),
  });
  afterAll(async () => {
    await t.close();
    await idp.stop();
  });

  it('redirects with state, nonce and an S256 challenge, then signs in via a one-time code', async () => {
    const email = `web-${randomUUID()}@example.test`;
    idp.user = { sub: `web-${randomUUID()}`, email, email_verified: true, name: 'Web User' };
    const providerUrl = await authorize();
    expect(`${providerUrl.origin}${providerUrl.pathname}`).toBe(`${idp.issuer}/authorize`);
    const params = providerUrl.searchParams;
    expect(params.get('client_id')).toBe('web-client');
    expect(params.get('redirect_uri')).toBe(`${CALLBACK_BASE}/auth/oidc/acme/callback`);
    expect(params.get('code_challenge_method')).toBe('S256');
    expect(params.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(params.get('state')).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(params.get('nonce')).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(params.get('scope')).toBe('openid email profile');

    const callback = await atProvider(providerUrl);
    const back = await t.http.get(callback).expect(302);
    const code = fragmentOf(back.headers.location as string).get('code') as string;
    expect(code).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const signedIn = await t.http
      .post(`${API}/auth/oidc/exchange`)
      .send({ code, deviceName: 'Browser' })
      .expect(200);
    expect(signedIn.body).toMatchObject({
      tokenType: 'Bearer',
      user: { email, displayName: 'Web User' },
    });
    await t.withToken(signedIn.body.accessToken).get(`${API}/users/me`).expect(200);
    const [session] = await t.app
      .get(DataSource)
      .query(`SELECT amr, device_name FROM sessions WHERE user_id = $1`, [signedIn.body.user.id]);
    expect(session).toEqual({ amr: ['oidc'], device_name: 'Browser' });

    // The code, the state and the callback are each good once.
    const again = await t.http.post(`${API}/auth/oidc/exchange`).send({ code });
    expect(again.status).toBe(401);
    expect(again.body.type).toBe('urn:problem:invalid-oidc-code');
    const replayed = await t.http.get(callback);
    expect(replayed.status).toBe(400);
    expect(replayed.body.type).toBe('urn:problem:invalid-oidc-state');
  });

  it('refuses a redirectUri off the allow-list with a 400, never a redirect', async () => {
    for (const redirectUri of [
      'https://evil.example/cb',
      `${APP_REDIRECT}/extra`,
      `${APP_REDIRECT}?next=https://evil.example`,
    ]) {
      const res = await t.http.get(`${API}/auth/oidc/acme/authorize`).query({ redirectUri });
      expect(res.status).toBe(400);
      expect(res.body.type).toBe('urn:problem:redirect-uri-not-allowed');
      expect(res.headers.location).toBeUndefined();
    }
    const missing = await t.http.get(`${API}/auth/oidc/acme/authorize`);
    expect(missing.status).toBe(400);
    expect(missing.headers.location).toBeUndefined();
    await t.http
      .get(`${API}/auth/oidc/nope/authorize`)
      .query({ redirectUri: APP_REDIRECT })
      .expect(404);
  });

  it('refuses an unknown or forged state and a code bound to another PKCE challenge', async () => {
    idp.user = {
      sub: `web-${randomUUID()}`,
      email: `pkce-${randomUUID()}@example.test`,
      email_verified: true,
    };
    const forged = await t.http
      .get(`${API}/auth/oidc/acme/callback`)
      .query({ code: 'whatever', state: 'made-up-state' });
    expect(forged.status).toBe(400);
    expect(forged.body.type).toBe('urn:problem:invalid-oidc-state');

    // Two attempts; attempt B's code presented with attempt A's state (so A's PKCE verifier).
    const a = await authorize();
    const b = await authorize();
    await fetch(a, { redirect: 'manual' }); // A's code is never used
    const callbackB = new URL(await atProvider(b), CALLBACK_BASE);
    const mixed = new URLSearchParams({
      code: callbackB.searchParams.get('code') as string,
      state: a.searchParams.get('state') as string,
    });
    const [before] = await t.app.get(DataSource).query(`SELECT count(*)::int AS n FROM users`);
    const refused = idp.refusedGrants;
    const res = await t.http.get(`${API}/auth/oidc/acme/callback?${mixed.toString()}`);
    // The provider refused the grant: A's verifier does not match B's challenge.
    expect(idp.refusedGrants).toBe(refused + 1);
    expect(res.status).toBe(302);
    expect(fragmentOf(res.headers.location as string).get('error')).toBe('invalid-id-token');
    const [after] = await t.app.get(DataSource).query(`SELECT count(*)::int AS n FROM users`);
    expect(after.n).toBe(before.n);
  });

  it('sends a refused sign-in back to the app as an error (the pre-hijack case)', async () => {
    const email = `squatted-${randomUUID()}@example.test`;
    await signUp(t, { email });
    idp.user = { sub: `web-${randomUUID()}`, email, email_verified: true };
    const callback = await atProvider(await authorize());
    const res = await t.http.get(callback).expect(302);
    expect(fragmentOf(res.headers.location as string).get('error')).toBe('oidc-account-exists');
    const [linked] = await t.app
      .get(DataSource)
      .query(
        `SELECT count(*)::int AS n FROM user_identities i JOIN users u ON u.id = i.user_id WHERE u.email = $1`,
        [email],
      );
    expect(linked.n).toBe(0);
  });

  it("sends the provider's error back to the app in the fragment", async () => {
    const providerUrl = await authorize('https://other.example.test/cb');
    const state = providerUrl.searchParams.get('state') as string;
    const res = await t.http
      .get(`${API}/auth/oidc/acme/callback`)
      .query({ state, error: 'access_denied' })
      .expect(302);
    const url = new URL(res.headers.location as string);
    expect(`${url.origin}${url.pathname}`).toBe('https://other.example.test/cb');
    expect(new URLSearchParams(url.hash.slice(1)).get('error')).toBe('access_denied');
  });

  it("shares password sign-in's per-IP limit", async () => {
    // Production's per-IP limits on an address of its own: the run's other files share Redis
    // (and 127.0.0.1's counters) with this one.
    const strict = await createTestApp({
      ...env(),
      AUTH_IP_LIMIT_MULTIPLIER: '1',
      TRUST_PROXY: '1',
    });
    const from = '100.64.0.77';
    const post = (path: string, ip = from) =>
      strict.http.post(`${API}${path}`).set('X-Forwarded-For', ip);
    try {
      for (let i = 0; i < 100; i += 1) {
        const res = await (i % 2 === 0
          ? post('/auth/oidc/acme/token').send({ idToken: 'junk' })
          : post('/auth/oidc/exchange').send({ code: 'junk' }));
        expect(res.status).toBe(401);
      }
      const limited = await post('/auth/oidc/acme/token').send({ idToken: 'junk' });
      expect(limited.status).toBe(429);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      const login = await post('/auth/login').send({
        email: 'someone@example.test',
        password: 'whatever it is',
      });
      expect(login.status).toBe(429);
      // Another address is not affected.
      await post('/auth/oidc/acme/token', '100.64.0.78').send({ idToken: 'junk' }).expect(401);
    } finally {
      await strict.close();
    }
  });
});
