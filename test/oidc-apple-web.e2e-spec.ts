import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, exportPKCS8, generateKeyPair } from 'jose';
import { DataSource } from 'typeorm';
import { parseFormPost, TestOidcProvider } from './support/oidc-provider.js';
import { createTestApp, type TestApp } from './support/test-app.js';

const API = '/api/v1';
const APP_REDIRECT = 'https://app.example.test/signed-in';
const CALLBACK_BASE = 'https://api.example.test/api/v1';
const CALLBACK = `${API}/auth/oidc/apple/callback`;

describe('Sign in with Apple in the browser (form_post, a signed client secret)', () => {
  let t: TestApp;
  let idp: TestOidcProvider;
  let teamKey: Awaited<ReturnType<typeof generateKeyPair>>;

  /** Our authorize endpoint, then the provider's page: the form it posts back to us. */
  const providerForm = async () => {
    const res = await t.http
      .get(`${API}/auth/oidc/apple/authorize`)
      .query({ redirectUri: APP_REDIRECT })
      .expect(302);
    const providerUrl = new URL(res.headers.location as string);
    expect(providerUrl.searchParams.get('response_mode')).toBe('form_post');
    const page = await fetch(providerUrl, { redirect: 'manual' });
    expect(page.status).toBe(200);
    const { action, fields } = parseFormPost(await page.text());
    expect(action).toBe(`${CALLBACK_BASE}/auth/oidc/apple/callback`);
    return fields;
  };
  const post = (fields: URLSearchParams) =>
    t.http.post(CALLBACK).type('form').send(fields.toString());
  const fragmentOf = (location: string) => {
    const url = new URL(location);
    expect(`${url.origin}${url.pathname}`).toBe(APP_REDIRECT);
    return new URLSearchParams(url.hash.slice(1));
  };

  beforeAll(async () => {
    idp = await new TestOidcProvider(['com.example.web'], 'unused').start();
    teamKey = await generateKeyPair('ES256', { extractable: true });
    idp.clientSecretJwt = {
      teamId: 'TEAM123456',
      keyId: 'KEY1234567',
      publicKey: teamKey.publicKey,
    };
    const { OIDC_APPLE_CLIENT_SECRET: _static, ...apple } = idp.env('apple');
    t = await createTestApp({
      ARGON2_MEMORY_KIB: '1024',
      ARGON2_TIME_COST: '1',
      OIDC_PROVIDERS: 'apple',
      OIDC_REDIRECT_URIS: APP_REDIRECT,
      OIDC_CALLBACK_BASE_URL: CALLBACK_BASE,
      ...apple,
      OIDC_APPLE_TEAM_ID: 'TEAM123456',
      OIDC_APPLE_KEY_ID: 'KEY1234567',
      OIDC_APPLE_PRIVATE_KEY: await exportPKCS8(teamKey.privateKey),
    });
  });
  afterAll(async () => {
    await t.close();
    await idp.stop();
  });

  it('signs in through the form post, keeps the name Apple posts once, and signs its secret', async () => {
    const email = `apple-${randomUUID()}@privaterelay.appleid.com`;
    idp.user = {
      sub: `apple-${randomUUID()}`,
      email,
      email_verified: 'true',
      name: 'Ada Lovelace',
    };
    const fields = await providerForm();
    expect(JSON.parse(fields.get('user') as string)).toMatchObject({
      name: { firstName: 'Ada', lastName: 'Lovelace' },
    });
    const back = await post(fields).expect(302);
    const code = fragmentOf(back.headers.location as string).get('code') as string;
    const signedIn = await t.http
      .post(`${API}/auth/oidc/exchange`)
      .send({ code, deviceName: 'Safari' })
      .expect(200);
    expect(signedIn.body.user).toMatchObject({ email, displayName: 'Ada Lovelace' });
    const [identity] = await t.app
      .get(DataSource)
      .query(`SELECT provider FROM user_identities WHERE user_id = $1`, [signedIn.body.user.id]);
    expect(identity).toEqual({ provider: 'apple' });

    // The client secret was a JWT we signed: Apple's claims, a key id, short-lived.
    const secret = idp.seenClientSecrets.at(-1) as string;
    expect(decodeProtectedHeader(secret)).toEqual({ alg: 'ES256', kid: 'KEY1234567' });
    const claims = decodeJwt(secret);
    expect(claims).toMatchObject({ iss: 'TEAM123456', sub: 'com.example.web', aud: idp.issuer });
    expect((claims.exp as number) - (claims.iat as number)).toBeLessThanOrEqual(15_777_000);

    // The state is single-use, as on the GET callback.
    const replayed = await post(fields);
    expect(replayed.status).toBe(400);
    expect(replayed.body.type).toBe('urn:problem:invalid-oidc-state');
  });

  it('reuses the signed secret until near its expiry', async () => {
    const before = idp.seenClientSecrets.length;
    idp.user = { sub: `apple-${randomUUID()}`, email: `r-${randomUUID()}@example.test` };
    await post(await providerForm()).expect(302);
    expect(idp.seenClientSecrets.length).toBe(before + 1);
    expect(idp.seenClientSecrets.at(-1)).toBe(idp.seenClientSecrets.at(-2));
  });

  it('refuses a forged or missing state, and takes forms on this route only', async () => {
    const forged = await post(new URLSearchParams({ code: 'whatever', state: 'made-up-state' }));
    expect(forged.status).toBe(400);
    expect(forged.body.type).toBe('urn:problem:invalid-oidc-state');
    const missing = await post(new URLSearchParams({ code: 'whatever' }));
    expect(missing.status).toBe(400);
    expect(missing.body.type).toBe('urn:problem:invalid-oidc-state');

    const elsewhere = await t.http
      .post(`${API}/auth/oidc/exchange`)
      .type('form')
      .send('code=whatever');
    expect(elsewhere.status).toBe(415);
    const huge = await post(new URLSearchParams({ state: 'x', user: 'u'.repeat(20_000) }));
    expect(huge.status).toBe(413);
  });

  it('sends the app an error when the provider refuses our secret (a wrong key)', async () => {
    const expected = idp.clientSecretJwt;
    const other = await generateKeyPair('ES256');
    idp.clientSecretJwt = {
      ...(expected as NonNullable<typeof expected>),
      publicKey: other.publicKey,
    };
    try {
      idp.user = { sub: `apple-${randomUUID()}`, email: `k-${randomUUID()}@example.test` };
      const refused = idp.refusedGrants;
      const [before] = await t.app.get(DataSource).query(`SELECT count(*)::int AS n FROM users`);
      const res = await post(await providerForm()).expect(302);
      expect(idp.refusedGrants).toBe(refused + 1);
      expect(fragmentOf(res.headers.location as string).get('error')).toBe('invalid-id-token');
      const [after] = await t.app.get(DataSource).query(`SELECT count(*)::int AS n FROM users`);
      expect(after.n).toBe(before.n);
    } finally {
      idp.clientSecretJwt = expected;
    }
  });
});
