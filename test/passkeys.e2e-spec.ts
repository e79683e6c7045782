import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { decodeJwt } from 'jose';
import {
  AuthenticatorEmulator,
  PasskeysCredentialsMemoryRepository,
  WebAuthnEmulator,
} from 'nid-webauthn-emulator';
import { DataSource } from 'typeorm';
import { ManualClock } from '../src/common/clock.js';
import { signUp, type SignedUp } from './support/auth.js';
import { createTestApp, type TestApp } from './support/test-app.js';
import { waitFor } from './support/wait.js';
import { authEventTypes } from './support/rows.js';

const API = '/api/v1';
const CHEAP_ARGON2 = { ARGON2_MEMORY_KIB: '1024', ARGON2_TIME_COST: '1' };
const RP_ID = 'example.com';
const ORIGIN = 'https://example.com';
/** A page the emulator accepts for the RP id (a subdomain) that the app does not list. */
const FOREIGN_ORIGIN = 'https://evil.example.com';

type Json = Record<string, unknown>;

/** A new authenticator; each holds its own credentials (the library's default store is shared). */
const newAuthenticator = () =>
  new WebAuthnEmulator(
    new AuthenticatorEmulator({ credentialsRepository: new PasskeysCredentialsMemoryRepository() }),
  );

/**
 * Passkeys end to end with a software authenticator (nid-webauthn-emulator): real key pairs,
 * real attestation and assertion signatures, checked by @simplewebauthn/server in the app.
 */
describe('passkeys over HTTP', () => {
  let t: TestApp;
  const clock = new ManualClock(new Date());

  beforeAll(async () => {
    t = await createTestApp(
      {
        ...CHEAP_ARGON2,
        WEBAUTHN_RP_ID: RP_ID,
        WEBAUTHN_ORIGINS: ORIGIN,
        WEBAUTHN_RP_NAME: 'Test',
      },
      { clock },
    );
  });
  afterAll(async () => {
    await t?.close();
  });

  const registrationOptions = async (user: SignedUp): Promise<Json> => {
    const res = await t.asUser(user).post(`${API}/auth/passkeys/registration/options`);
    expect(res.status).toBe(200);
    return res.body as Json;
  };
  const sendRegistration = (user: SignedUp, credential: unknown, name?: string) =>
    t
      .asUser(user)
      .post(`${API}/auth/passkeys/registration`)
      .send({ credential, ...(name ? { name } : {}) });
  /** A new authenticator holding one new passkey of the user's. */
  const addPasskey = async (user: SignedUp, name?: string) => {
    const authenticator = newAuthenticator();
    const options = await registrationOptions(user);
    // The emulator's types are the DOM's; the JSON the API returns is exactly that shape.
    const credential = authenticator.createJSON(ORIGIN, options as never);
    const res = await sendRegistration(user, credential, name);
    expect(res.status).toBe(201);
    return { authenticator, passkey: res.body as { id: string; name: string } };
  };
  const authenticationOptions = async (): Promise<Json> => {
    const res = await t.http.post(`${API}/auth/passkeys/authentication/options`);
    expect(res.status).toBe(200);
    return res.body as Json;
  };
  const assertion = async (authenticator: WebAuthnEmulator, origin = ORIGIN) =>
    authenticator.getJSON(origin, (await authenticationOptions()) as never);
  const sendAssertion = (credential: unknown) =>
    t.http.post(`${API}/auth/passkeys/authentication`).send({ credential });
  const listOf = async (user: SignedUp) => {
    const res = await t.asUser(user).get(`${API}/auth/passkeys`).expect(200);
    return res.body.data as Array<{ id: string; name: string; lastUsedAt: string | null }>;
  };
  const eventsOf = (userId: string) => authEventTypes(t.app, userId);
  const expectSignInRefused = async (credential: unknown) => {
    const res = await sendAssertion(credential).expect(401);
    expect(res.body.type).toBe('urn:problem:passkey-authentication-failed');
  };

  it('registers a passkey, lists it and signs in with it at aal2', async () => {
    const ann = await signUp(t);
    const options = await registrationOptions(ann);
    expect(options).toMatchObject({
      rp: { id: RP_ID, name: 'Test' },
      user: { name: ann.email },
      authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
      excludeCredentials: [],
    });
    const authenticator = newAuthenticator();
    const created = await sendRegistration(
      ann,
      authenticator.createJSON(ORIGIN, options as never),
      'Laptop',
    ).expect(201);
    expect(created.body).toMatchObject({ name: 'Laptop', lastUsedAt: null });

    expect(await listOf(ann)).toEqual([expect.objectContaining({ id: created.body.id })]);

    const requestOptions = await authenticationOptions();
    expect(requestOptions).toMatchObject({ rpId: RP_ID, userVerification: 'required' });
    expect(requestOptions).not.toHaveProperty('allowCredentials');
    const signedIn = await sendAssertion(authenticator.getJSON(ORIGIN, requestOptions as never));
    expect(signedIn.status).toBe(200);
    expect(signedIn.body.user.id).toBe(ann.userId);
    expect(decodeJwt(signedIn.body.accessToken)).toMatchObject({ aal: 'aal2', amr: ['passkey'] });
    const me = await t.withToken(signedIn.body.accessToken).get(`${API}/users/me`).expect(200);
    expect(me.body.id).toBe(ann.userId);
    // The refresh token works too, and the session keeps its assurance.
    const refreshed = await t.http
      .post(`${API}/auth/refresh`)
      .send({ refreshToken: signedIn.body.refreshToken })
      .expect(200);
    expect(decodeJwt(refreshed.body.accessToken)).toMatchObject({ aal: 'aal2' });

    const [listed] = await listOf(ann);
    expect(listed?.lastUsedAt).toEqual(expect.any(String));
    expect(await eventsOf(ann.userId)).toEqual(
      expect.arrayContaining(['passkey_registered', 'login_succeeded', 'passkey_login']),
    );
    // The authenticator's second sign-in moves the counter on: still accepted.
    await sendAssertion(await assertion(authenticator)).expect(200);
  });

  it('offers the passkeys already held as excluded (the authenticator then makes no second)', async () => {
    const ann = await signUp(t);
    const { authenticator } = await addPasskey(ann);
    const options = await registrationOptions(ann);
    expect(options.excludeCredentials).toEqual([
      expect.objectContaining({ type: 'public-key', id: expect.any(String) }),
    ]);
    // A real authenticator honours the exclusion list.
    expect(() => authenticator.createJSON(ORIGIN, options as never)).toThrow();
  });

  it('refuses a reused challenge: registration and sign-in', async () => {
    const ann = await signUp(t);
    const authenticator = newAuthenticator();
    const credential = authenticator.createJSON(ORIGIN, (await registrationOptions(ann)) as never);
    await sendRegistration(ann, credential).expect(201);
    const again = await sendRegistration(ann, credential).expect(400);
    expect(again.body.type).toBe('urn:problem:passkey-registration-failed');

    const signInResponse = await assertion(authenticator);
    await sendAssertion(signInResponse).expect(200);
    await expectSignInRefused(signInResponse);
  });

  it('refuses a challenge after five minutes', async () => {
    const ann = await signUp(t);
    const authenticator = newAuthenticator();
    const late = authenticator.createJSON(ORIGIN, (await registrationOptions(ann)) as never);
    clock.advance(5 * 60_000 + 1_000);
    const refused = await sendRegistration(ann, late).expect(400);
    expect(refused.body.type).toBe('urn:problem:passkey-registration-failed');
    expect(await listOf(ann)).toEqual([]);

    const { authenticator: registered } = await addPasskey(ann);
    const lateAssertion = await assertion(registered);
    clock.advance(5 * 60_000 + 1_000);
    await expectSignInRefused(lateAssertion);
    // Within the five minutes the same passkey signs in.
    await sendAssertion(await assertion(registered)).expect(200);
  });

  it('refuses a wrong origin or relying party id, and writes nothing', async () => {
    const ann = await signUp(t);
    const foreign = newAuthenticator();
    const fromForeignPage = foreign.createJSON(
      FOREIGN_ORIGIN,
      (await registrationOptions(ann)) as never,
    );
    await sendRegistration(ann, fromForeignPage).expect(400);
    expect(await listOf(ann)).toEqual([]);

    // A passkey made for another relying party (the page's own, as a phishing site would ask).
    const options = await registrationOptions(ann);
    const otherRp = { ...options, rp: { name: 'Other', id: 'example.org' } };
    const forOtherRp = newAuthenticator().createJSON('https://example.org', otherRp as never);
    await sendRegistration(ann, forOtherRp).expect(400);
    expect(await listOf(ann)).toEqual([]);

    const { authenticator } = await addPasskey(ann);
    const before = await eventsOf(ann.userId);
    await expectSignInRefused(await assertion(authenticator, FOREIGN_ORIGIN));
    expect(await eventsOf(ann.userId)).toEqual(before);
  });

  it('refuses an unknown passkey and a tampered signature with the same 401', async () => {
    const ann = await signUp(t);
    // Created on the authenticator, never registered with the app.
    const stranger = newAuthenticator();
    stranger.createJSON(ORIGIN, (await registrationOptions(ann)) as never);
    await expectSignInRefused(await assertion(stranger));

    const { authenticator } = await addPasskey(ann);
    const genuine = await assertion(authenticator);
    const signature = genuine.response.signature;
    const flipped = (signature[10] === 'A' ? 'B' : 'A') + '';
    const tampered = {
      ...genuine,
      response: {
        ...genuine.response,
        signature: signature.slice(0, 10) + flipped + signature.slice(11),
      },
    };
    await expectSignInRefused(tampered);
    // A genuine signature, but claiming another account as the passkey's user.
    const bob = await signUp(t);
    const claimed = await assertion(authenticator);
    await expectSignInRefused({
      ...claimed,
      response: { ...claimed.response, userHandle: Buffer.from(bob.userId).toString('base64url') },
    });
  });

  it('alerts on a passkey sign-in from a new client, like any other sign-in', async () => {
    const ann = await signUp(t);
    const { authenticator } = await addPasskey(ann);
    const signedIn = await t.http
      .post(`${API}/auth/passkeys/authentication`)
      .set('User-Agent', 'Mozilla/5.0 (Macintosh; Intel Mac OS X 15_0) Safari/605.1.15')
      .send({ credential: await assertion(authenticator), deviceName: 'Mac' })
      .expect(200);
    await waitFor(
      async () => {
        const inbox = await t.withToken(signedIn.body.accessToken).get(`${API}/notifications`);
        return inbox.body.data.some((n: { type: string }) => n.type === 'auth.new_login');
      },
      { what: 'the new sign-in alert' },
    );
    const sessions = await t.withToken(signedIn.body.accessToken).get(`${API}/auth/sessions`);
    expect(sessions.body.data).toEqual(
      expect.arrayContaining([expect.objectContaining({ deviceName: 'Mac', current: true })]),
    );
  });

  it('allows ten passkeys and refuses the eleventh', async () => {
    const ann = await signUp(t);
    for (let i = 0; i < 9; i += 1) await addPasskey(ann, `key ${i}`);
    // Two ceremonies started with room for one more: the second one to finish is refused.
    const first = newAuthenticator().createJSON(ORIGIN, (await registrationOptions(ann)) as never);
    const second = newAuthenticator().createJSON(ORIGIN, (await registrationOptions(ann)) as never);
    await sendRegistration(ann, first).expect(201);
    const full = await sendRegistration(ann, second).expect(409);
    expect(full.body).toMatchObject({
      type: 'urn:problem:passkey-limit-reached',
      detail: expect.stringContaining('at most 10 passkeys'),
    });
    const early = await t.asUser(ann).post(`${API}/auth/passkeys/registration/options`).expect(409);
    expect(early.body.type).toBe('urn:problem:passkey-limit-reached');
    expect(await listOf(ann)).toHaveLength(10);
  });

  it('removes a passkey; it no longer signs in; another user cannot remove it', async () => {
    const ann = await signUp(t);
    const bob = await signUp(t);
    const { authenticator, passkey } = await addPasskey(ann);
    const { passkey: kept } = await addPasskey(ann);

    const foreign = await t.asUser(bob).delete(`${API}/auth/passkeys/${passkey.id}`).expect(404);
    expect(foreign.body.type).toBe('urn:problem:passkey-not-found');
    expect(await listOf(ann)).toHaveLength(2);

    await t.asUser(ann).delete(`${API}/auth/passkeys/${passkey.id}`).expect(204);
    expect((await listOf(ann)).map((p) => p.id)).toEqual([kept.id]);
    await t.asUser(ann).delete(`${API}/auth/passkeys/${passkey.id}`).expect(404);
    expect(await eventsOf(ann.userId)).toEqual(expect.arrayContaining(['passkey_removed']));

    await expectSignInRefused(await assertion(authenticator));
  });

  it('refuses a sign counter that goes back (a cloned authenticator) and records it', async () => {
    const ann = await signUp(t);
    const { authenticator, passkey } = await addPasskey(ann);
    await t.app
      .get(DataSource)
      .query(`UPDATE passkeys SET counter = 1000 WHERE id = $1`, [passkey.id]);
    await expectSignInRefused(await assertion(authenticator));
    expect(await eventsOf(ann.userId)).toContain('passkey_clone_suspected');
    expect(await eventsOf(ann.userId)).not.toContain('passkey_login');
  });

  it('refuses a disabled account like a password sign-in does', async () => {
    const ann = await signUp(t);
    const { authenticator } = await addPasskey(ann);
    await t.app
      .get(DataSource)
      .query(`UPDATE users SET status = 'disabled' WHERE id = $1`, [ann.userId]);
    const refused = await sendAssertion(await assertion(authenticator)).expect(403);
    expect(refused.body.type).toBe('urn:problem:account-disabled');
  });

  it('erases the passkeys with the account; they no longer sign in', async () => {
    const ann = await signUp(t);
    const { authenticator } = await addPasskey(ann);
    await t.asUser(ann).delete(`${API}/users/me`).send({ password: ann.password }).expect(204);
    const [left] = await t.app
      .get(DataSource)
      .query(`SELECT count(*)::int AS n FROM passkeys WHERE user_id = $1`, [ann.userId]);
    expect(left.n).toBe(0);
    const refused = await sendAssertion(await assertion(authenticator)).expect(401);
    expect(refused.body.type).toBe('urn:problem:passkey-authentication-failed');
  });

  it('needs a signed-in user to add, list or remove passkeys', async () => {
    await t.http.post(`${API}/auth/passkeys/registration/options`).expect(401);
    await t.http.post(`${API}/auth/passkeys/registration`).send({}).expect(401);
    await t.http.get(`${API}/auth/passkeys`).expect(401);
    await t.http.delete(`${API}/auth/passkeys/00000000-0000-4000-8000-000000000000`).expect(401);
  });

  it('rejects a malformed credential with a validation problem', async () => {
    const res = await sendAssertion({ id: 'x', type: 'password' }).expect(400);
    expect(res.body.type).toBe('urn:problem:validation-failed');
  });
});
