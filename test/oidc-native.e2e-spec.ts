import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ManualClock } from '../src/common/clock.js';
import { signUp, tokenFrom } from './support/auth.js';
import { nativeNonce, TestOidcProvider } from './support/oidc-provider.js';
import { SmtpInbox } from './support/smtp.js';
import { createTestApp, type TestApp } from './support/test-app.js';

const API = '/api/v1';
const CHEAP_ARGON2 = { ARGON2_MEMORY_KIB: '1024', ARGON2_TIME_COST: '1' };

describe('social sign-in with an id token (native apps)', () => {
  let t: TestApp;
  let mailbox: SmtpInbox;
  let idp: TestOidcProvider;
  const clock = new ManualClock(new Date());

  const exchange = (body: Record<string, unknown>) =>
    t.http.post(`${API}/auth/oidc/acme/token`).send(body);
  /** A fresh provider account and a token for it, nonce included (what the SDK hands the app). */
  const account = (over: Record<string, unknown> = {}) => ({
    sub: `sub-${randomUUID()}`,
    email: `oidc-${randomUUID()}@example.test`,
    email_verified: true,
    ...over,
  });
  const tokenFor = async (claims: Record<string, unknown>) => {
    const nonce = nativeNonce();
    return { idToken: await idp.idToken({ ...claims, nonce: nonce.hashed }), nonce: nonce.raw };
  };
  const rowCounts = async () => {
    const [row] = await t.app.get(DataSource).query(
      `SELECT (SELECT count(*) FROM users)::int AS users,
              (SELECT count(*) FROM user_identities)::int AS identities,
              (SELECT count(*) FROM sessions)::int AS sessions,
              (SELECT count(*) FROM auth_events)::int AS events,
              (SELECT count(*) FROM outbox_events)::int AS outbox`,
    );
    return row as Record<string, number>;
  };
  const userRow = async (id: string) => {
    const [row] = await t.app
      .get(DataSource)
      .query(
        `SELECT email, display_name, password_hash, email_verified_at FROM users WHERE id = $1`,
        [id],
      );
    return row as {
      email: string;
      display_name: string;
      password_hash: string | null;
      email_verified_at: Date | null;
    };
  };
  const verifiedPasswordUser = async () => {
    const user = await signUp(t);
    const mail = await mailbox.waitForText(user.email, '/verify-email?token=');
    const { token } = tokenFrom(mail, '/verify-email');
    await t.http.post(`${API}/auth/email/verify`).send({ token }).expect(204);
    return user;
  };

  beforeAll(async () => {
    mailbox = await SmtpInbox.start();
    idp = await new TestOidcProvider(['ios-client', 'android-client'], 'unused-secret').start();
    t = await createTestApp(
      {
        ...CHEAP_ARGON2,
        SMTP_URL: mailbox.url,
        APP_URL: 'https://app.example.test',
        OIDC_PROVIDERS: 'acme',
        ...idp.env('acme'),
      },
      { clock },
    );
  });
  afterAll(async () => {
    await t.close();
    await idp.stop();
    await mailbox.stop();
  });

  it('signs up a new subject, then signs it in; the account has no password', async () => {
    const who = account({ name: 'Grace Hopper' });
    const first = await exchange({ ...(await tokenFor(who)), deviceName: 'Grace phone' });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      tokenType: 'Bearer',
      accessToken: expect.any(String),
      refreshToken: expect.any(String),
      user: { email: who.email, displayName: 'Grace Hopper' },
    });
    const userId = first.body.user.id as string;
    const row = await userRow(userId);
    expect(row.password_hash).toBeNull();
    expect(row.email_verified_at).not.toBeNull();

    const again = await exchange(await tokenFor(who)).expect(200);
    expect(again.body.user.id).toBe(userId);
    const me = await t.withToken(again.body.accessToken).get(`${API}/users/me`).expect(200);
    expect(me.body.id).toBe(userId);

    const identities = await t.withToken(again.body.accessToken).get(`${API}/auth/identities`);
    expect(identities.status).toBe(200);
    expect(identities.body).toEqual({
      data: [
        {
          id: expect.any(String),
          provider: 'acme',
          email: who.email,
          createdAt: expect.any(String),
          lastUsedAt: expect.any(String),
        },
      ],
      nextCursor: null,
    });
    const events = await t.app
      .get(DataSource)
      .query(`SELECT type, details FROM auth_events WHERE user_id = $1 ORDER BY created_at, id`, [
        userId,
      ]);
    // Each sign-in also records the session's own login_succeeded.
    expect(events.map((e: { type: string }) => e.type)).toEqual([
      'registered',
      'oidc_login',
      'login_succeeded',
      'oidc_login',
      'login_succeeded',
    ]);
    expect(events[1].details).toEqual({ provider: 'acme', outcome: 'create' });
    expect(events[3].details).toEqual({ provider: 'acme', outcome: 'sign-in' });

    // A password login on a password-less account is the same 401 as a wrong password.
    const pwd = await t.http
      .post(`${API}/auth/login`)
      .send({ email: who.email, password: 'any password at all' });
    const wrong = await t.http
      .post(`${API}/auth/login`)
      .send({ email: `nobody-${randomUUID()}@example.test`, password: 'any password at all' });
    expect(pwd.status).toBe(401);
    expect({ ...pwd.body, requestId: null }).toEqual({ ...wrong.body, requestId: null });
  });

  it('sends the new-sign-in alert for a new client, as password sign-in does', async () => {
    const who = account();
    await exchange(await tokenFor(who))
      .set('User-Agent', 'FirstApp/1.0')
      .expect(200);
    await t.http
      .post(`${API}/auth/oidc/acme/token`)
      .set('User-Agent', 'SecondApp/2.0')
      .send(await tokenFor(who))
      .expect(200);
    const mail = await mailbox.waitForText(who.email, 'SecondApp/2.0');
    expect(mail.subject).toBe('New sign-in to your account');
  });

  it('forgets the link when the account is deleted: the subject signs up afresh', async () => {
    const who = account();
    const first = await exchange(await tokenFor(who)).expect(200);
    const admin = await signUp(t, { role: 'admin' });
    await t.asUser(admin).delete(`${API}/users/${first.body.user.id}`).expect(204);
    const [left] = await t.app
      .get(DataSource)
      .query(`SELECT count(*)::int AS n FROM user_identities WHERE user_id = $1`, [
        first.body.user.id,
      ]);
    expect(left.n).toBe(0);
    const again = await exchange(await tokenFor(who)).expect(200);
    expect(again.body.user.id).not.toBe(first.body.user.id);
  });

  it('accepts every client id as audience and a token without nonce when none is sent', async () => {
    const who = account();
    const idToken = await idp.idToken({ ...who, aud: 'android-client' });
    await exchange({ idToken }).expect(200);
  });

  it('takes a token for several audiences only when azp is one of our client ids', async () => {
    const who = account();
    const several = ['android-client', 'analytics-client'];
    for (const [name, azp] of [
      ['no azp', undefined],
      ['foreign azp', 'analytics-client'],
      ['azp not a string', ['android-client']],
    ] as const) {
      const res = await exchange({ idToken: await idp.idToken({ ...who, aud: several, azp }) });
      expect({ name, status: res.status, type: res.body.type }).toEqual({
        name,
        status: 401,
        type: 'urn:problem:invalid-id-token',
      });
    }
    const idToken = await idp.idToken({ ...who, aud: several, azp: 'android-client' });
    await exchange({ idToken }).expect(200);
  });

  it('takes Apple-style claims: string email_verified, relay address, name outside the token', async () => {
    const who = account({
      email: `x${randomUUID().slice(0, 8)}@privaterelay.appleid.com`,
      email_verified: 'true',
    });
    const res = await exchange({ ...(await tokenFor(who)), name: 'Ada Lovelace' }).expect(200);
    expect(res.body.user).toMatchObject({ email: who.email, displayName: 'Ada Lovelace' });
    expect((await userRow(res.body.user.id)).email_verified_at).not.toBeNull();

    const unverified = account({
      email: `y${randomUUID().slice(0, 8)}@private.icloud.com`,
      email_verified: 'false',
    });
    const second = await exchange(await tokenFor(unverified)).expect(200);
    expect((await userRow(second.body.user.id)).email_verified_at).toBeNull();
  });

  it('refuses bad tokens with one 401 problem and writes nothing', async () => {
    const who = account();
    const nonce = nativeNonce();
    const valid = (claims: Record<string, unknown> = {}) =>
      idp.idToken({ ...who, nonce: nonce.hashed, ...claims });
    const now = Math.floor(Date.now() / 1000);
    const good = await valid();
    const [header, payload, signature] = good.split('.') as [string, string, string];
    const flipped = `${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`;
    const cases: Array<[string, Record<string, unknown>]> = [
      ['wrong audience', { idToken: await valid({ aud: 'someone-else' }), nonce: nonce.raw }],
      ['wrong issuer', { idToken: await valid({ iss: 'https://evil.example' }), nonce: nonce.raw }],
      ['expired', { idToken: await valid({ iat: now - 900, exp: now - 300 }), nonce: nonce.raw }],
      ['issued in the future', { idToken: await valid({ iat: now + 600 }), nonce: nonce.raw }],
      ['bad signature', { idToken: `${header}.${payload}.${flipped}`, nonce: nonce.raw }],
      [
        'unknown kid',
        {
          idToken: await idp.idToken(
            { ...who, nonce: nonce.hashed },
            { key: await idp.unpublishedKey() },
          ),
          nonce: nonce.raw,
        },
      ],
      ['wrong nonce', { idToken: await valid(), nonce: nativeNonce().raw }],
      ['missing nonce', { idToken: await valid() }],
      ['raw nonce in the token', { idToken: await valid({ nonce: nonce.raw }), nonce: nonce.raw }],
      ['not a JWT', { idToken: 'not-a-token', nonce: nonce.raw }],
    ];
    const before = await rowCounts();
    for (const [name, body] of cases) {
      const res = await exchange(body);
      expect({ name, status: res.status, type: res.body.type }).toEqual({
        name,
        status: 401,
        type: 'urn:problem:invalid-id-token',
      });
    }
    expect(await rowCounts()).toEqual(before);

    // Replay: the same valid token works once.
    await exchange({ idToken: good, nonce: nonce.raw }).expect(200);
    const afterFirst = await rowCounts();
    const replayed = await exchange({ idToken: good, nonce: nonce.raw });
    expect(replayed.status).toBe(401);
    expect(replayed.body.type).toBe('urn:problem:invalid-id-token');
    expect(await rowCounts()).toEqual(afterFirst);
  });

  it('refetches the JWKS for an unknown kid at most once per cooldown; a rotated key then works', async () => {
    const who = account();
    await exchange({ idToken: await idp.idToken(who) }).expect(200);
    await idp.rotate();
    const fetches = idp.jwksFetches;
    clock.advance(31_000);
    // The first unknown kid after the cooldown refetches and finds the rotated key.
    await exchange({ idToken: await idp.idToken(who) }).expect(200);
    expect(idp.jwksFetches).toBe(fetches + 1);
    // Junk kids right after do not hammer the issuer.
    const stranger = await idp.unpublishedKey();
    for (let i = 0; i < 3; i += 1) {
      await exchange({ idToken: await idp.idToken(who, { key: stranger }) }).expect(401);
    }
    expect(idp.jwksFetches).toBe(fetches + 1);
    await idp.rotate();
    await exchange({ idToken: await idp.idToken(who) }).expect(401);
    clock.advance(31_000);
    await exchange({ idToken: await idp.idToken(who) }).expect(200);
    expect(idp.jwksFetches).toBe(fetches + 2);
  });

  it('links a new subject to the account with the same email only when both verified it', async () => {
    const owner = await verifiedPasswordUser();
    const linked = await exchange(await tokenFor(account({ email: owner.email }))).expect(200);
    expect(linked.body.user.id).toBe(owner.userId);
    const list = await t.asUser(owner).get(`${API}/auth/identities`).expect(200);
    expect(list.body.data).toHaveLength(1);
    const [event] = await t.app
      .get(DataSource)
      .query(`SELECT details FROM auth_events WHERE user_id = $1 AND type = 'identity_linked'`, [
        owner.userId,
      ]);
    expect(event.details).toEqual({ provider: 'acme', identityId: list.body.data[0].id });

    // An unverified token email does not walk into a verified account.
    const before = await rowCounts();
    const sneaky = await exchange(
      await tokenFor(account({ email: owner.email, email_verified: false })),
    );
    expect(sneaky.status).toBe(409);
    expect(sneaky.body.type).toBe('urn:problem:oidc-account-exists');
    expect(await rowCounts()).toEqual(before);
  });

  it('does not link the victim to an unverified account someone registered with their email', async () => {
    const victimEmail = `victim-${randomUUID()}@example.test`;
    const squatter = await signUp(t, { email: victimEmail });
    const before = await rowCounts();
    const res = await exchange(await tokenFor(account({ email: victimEmail })));
    expect(res.status).toBe(409);
    expect(res.body.type).toBe('urn:problem:oidc-account-exists');
    expect(await rowCounts()).toEqual(before);
    const list = await t.asUser(squatter).get(`${API}/auth/identities`).expect(200);
    expect(list.body.data).toEqual([]);
  });

  it('links a provider to the signed-in account; a subject belongs to one account', async () => {
    const ann = await signUp(t);
    const bob = await signUp(t);
    const subject = account({ email: `other-${randomUUID()}@example.test` });
    const linked = await t
      .asUser(ann)
      .post(`${API}/auth/oidc/acme/link`)
      .send(await tokenFor(subject));
    expect(linked.status).toBe(200);
    expect(linked.body).toMatchObject({ provider: 'acme', email: subject.email });
    // Linking the same subject again is a no-op; to another account a conflict.
    const again = await t
      .asUser(ann)
      .post(`${API}/auth/oidc/acme/link`)
      .send(await tokenFor(subject))
      .expect(200);
    expect(again.body.id).toBe(linked.body.id);
    const stolen = await t
      .asUser(bob)
      .post(`${API}/auth/oidc/acme/link`)
      .send(await tokenFor(subject));
    expect(stolen.status).toBe(409);
    expect(stolen.body.type).toBe('urn:problem:identity-in-use');
    // The linked subject now signs in to Ann's account.
    const signedIn = await exchange(await tokenFor(subject)).expect(200);
    expect(signedIn.body.user.id).toBe(ann.userId);
    // A bad token is the same 401 here; unknown providers are 404; anonymous is 401.
    const bad = await t
      .asUser(bob)
      .post(`${API}/auth/oidc/acme/link`)
      .send({ idToken: await idp.idToken({ ...subject, aud: 'nope' }) });
    expect(bad.status).toBe(401);
    await t
      .asUser(bob)
      .post(`${API}/auth/oidc/nope/link`)
      .send(await tokenFor(subject))
      .expect(404);
    await t.http
      .post(`${API}/auth/oidc/acme/link`)
      .send(await tokenFor(subject))
      .expect(401);
    await exchange({ idToken: 'x' }).expect(401);
    await t.http.post(`${API}/auth/oidc/nope/token`).send({ idToken: 'x' }).expect(404);

    // Unlinking a provider from an account that has a password is fine.
    await t.asUser(ann).delete(`${API}/auth/identities/${linked.body.id}`).expect(204);
    const [unlinked] = await t.app
      .get(DataSource)
      .query(`SELECT details FROM auth_events WHERE user_id = $1 AND type = 'identity_unlinked'`, [
        ann.userId,
      ]);
    expect(unlinked.details).toEqual({ provider: 'acme', identityId: linked.body.id });
  });

  it('refuses to unlink the last way in; a password set through the reset flow frees it', async () => {
    const who = account();
    const first = await exchange(await tokenFor(who)).expect(200);
    const me = { accessToken: first.body.accessToken as string };
    const [identity] = (await t.asUser(me).get(`${API}/auth/identities`).expect(200)).body.data;
    const refused = await t.asUser(me).delete(`${API}/auth/identities/${identity.id}`);
    expect(refused.status).toBe(409);
    expect(refused.body.type).toBe('urn:problem:last-sign-in-method');

    // Someone else's identity is a 404, like a missing one.
    const stranger = await signUp(t);
    await t.asUser(stranger).delete(`${API}/auth/identities/${identity.id}`).expect(404);
    await t.asUser(stranger).delete(`${API}/auth/identities/${randomUUID()}`).expect(404);

    // With a second provider account linked, one may go (but not the other after it).
    const second = await t
      .asUser(me)
      .post(`${API}/auth/oidc/acme/link`)
      .send(await tokenFor(account({ email: `second-${randomUUID()}@example.test` })))
      .expect(200);
    await t.asUser(me).delete(`${API}/auth/identities/${second.body.id}`).expect(204);
    await t.asUser(me).delete(`${API}/auth/identities/${identity.id}`).expect(409);

    // The reset flow gives the account a password; then the last identity may go.
    await t.http.post(`${API}/auth/password/forgot`).send({ email: who.email }).expect(202);
    const mail = await mailbox.waitForText(who.email, '/reset-password?token=');
    const { token } = tokenFrom(mail, '/reset-password');
    const newPassword = `a brand new passphrase ${randomUUID()}`;
    await t.http.post(`${API}/auth/password/reset`).send({ token, newPassword }).expect(204);
    const login = await t.http
      .post(`${API}/auth/login`)
      .send({ email: who.email, password: newPassword })
      .expect(200);
    await t
      .withToken(login.body.accessToken)
      .delete(`${API}/auth/identities/${identity.id}`)
      .expect(204);
  });
});
