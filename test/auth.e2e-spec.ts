import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { DataSource } from 'typeorm';
import { ManualClock } from '../src/common/clock.js';
import { login, signUp, tokenFrom } from './support/auth.js';
import { SmtpInbox } from './support/smtp.js';
import { createTestApp, type TestApp } from './support/test-app.js';
import { waitFor } from './support/wait.js';

const API = '/api/v1';
// Cheap argon2 for speed; test/auth-argon2.e2e-spec.ts runs the production parameters.
const CHEAP_ARGON2 = { ARGON2_MEMORY_KIB: '1024', ARGON2_TIME_COST: '1' };
const GRACE_MS = 10_000;

describe('auth over HTTP', () => {
  let t: TestApp;
  let mailbox: SmtpInbox;
  const clock = new ManualClock(new Date());

  const me = (accessToken: string) => t.withToken(accessToken).get(`${API}/users/me`);
  const refresh = (refreshToken: string) =>
    t.http.post(`${API}/auth/refresh`).send({ refreshToken });
  const sessionsOf = async (accessToken: string) => {
    const res = await t.withToken(accessToken).get(`${API}/auth/sessions`);
    expect(res.status).toBe(200);
    return res.body.data as Array<{
      id: string;
      current: boolean;
      deviceName: string;
      ipAddress: string;
    }>;
  };
  const ip = () => `198.51.100.${Math.floor(Math.random() * 250) + 1}`;

  beforeAll(async () => {
    mailbox = await SmtpInbox.start();
    t = await createTestApp(
      {
        ...CHEAP_ARGON2,
        SMTP_URL: mailbox.url,
        APP_URL: 'https://app.example.test',
        TRUST_PROXY: '1',
        REFRESH_GRACE_SECONDS: String(GRACE_MS / 1000),
      },
      { clock },
    );
  });
  afterAll(async () => {
    await t.close();
    await mailbox.stop();
  });

  it('walks the journey: register, verify by mail, login, me, refresh, replay revokes', async () => {
    const email = `Journey-${randomUUID()}@Example.test`;
    const password = 'a sturdy passphrase for the journey';
    const registered = await t.http
      .post(`${API}/auth/register`)
      .set('Host', 'evil.example.com')
      .send({ email, password, displayName: 'Journey', timeZone: 'Europe/Berlin', locale: 'de-AT' })
      .expect(202);
    expect(registered.body).toEqual({ message: expect.any(String) });

    const mail = await mailbox.waitForText(email, '/verify-email?token=');
    const link = tokenFrom(mail, '/verify-email');
    expect(link.url.startsWith('https://app.example.test/verify-email?token=')).toBe(true);
    // The one-time token rests nowhere in the clear: not in the outbox, not in the notification.
    const [stored] = await t.app.get(DataSource).query(
      `SELECT (SELECT count(*) FROM outbox_events WHERE payload::text LIKE $1)::int AS outbox,
              (SELECT count(*) FROM notifications WHERE data::text LIKE $1)::int AS notifications,
              (SELECT count(*) FROM notifications WHERE data::text LIKE '%sealed:v1:%')::int AS sealed`,
      [`%${link.token}%`],
    );
    expect(stored).toEqual({ outbox: 0, notifications: 0, sealed: expect.any(Number) });
    expect(stored.sealed).toBeGreaterThan(0);
    expect(mail.text).not.toContain('evil.example.com');
    await t.http.post(`${API}/auth/email/verify`).send({ token: link.token }).expect(204);
    // Single use.
    const reused = await t.http.post(`${API}/auth/email/verify`).send({ token: link.token });
    expect(reused.status).toBe(400);
    expect(reused.body.type).toBe('urn:problem:invalid-token');

    const loggedIn = await t.http
      .post(`${API}/auth/login`)
      .send({ email: email.toLowerCase(), password, deviceName: 'Laptop' })
      .expect(200);
    expect(loggedIn.body).toMatchObject({
      tokenType: 'Bearer',
      expiresIn: 900,
      user: { email, emailVerified: true, timeZone: 'Europe/Berlin', locale: 'de-AT' },
    });
    expect(loggedIn.body.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const first = loggedIn.body as { accessToken: string; refreshToken: string };
    await me(first.accessToken).expect(200);

    // Rotation: a new pair; the old refresh token replayed at once (a duplicate request) gets
    // the same new pair instead of a second one.
    const rotated = await refresh(first.refreshToken).expect(200);
    expect(rotated.body.refreshToken).not.toBe(first.refreshToken);
    const duplicate = await refresh(first.refreshToken).expect(200);
    expect(duplicate.body.refreshToken).toBe(rotated.body.refreshToken);
    expect(duplicate.body.accessToken).toBe(rotated.body.accessToken);
    await me(rotated.body.accessToken).expect(200);

    // After the grace window the old token is theft: the whole session dies at once.
    clock.advance(GRACE_MS + 1);
    const replay = await refresh(first.refreshToken).expect(401);
    expect(replay.body.type).toBe('urn:problem:invalid-refresh-token');
    await me(rotated.body.accessToken).expect(401);
    await me(first.accessToken).expect(401);
    await refresh(rotated.body.refreshToken).expect(401);
    const events = await t.app
      .get(DataSource)
      .query(`SELECT type FROM auth_events WHERE user_id = $1 ORDER BY created_at`, [
        loggedIn.body.user.id,
      ]);
    expect(events.map((e: { type: string }) => e.type)).toEqual(
      expect.arrayContaining([
        'registered',
        'email_verified',
        'login_succeeded',
        'refresh_reuse_detected',
      ]),
    );
  });

  it('refuses an old refresh token once rotated, after the grace window', async () => {
    const u = await signUp(t);
    const next = await refresh(u.refreshToken).expect(200);
    clock.advance(GRACE_MS + 1);
    await refresh(next.body.refreshToken).expect(200);
  });

  it('lists and revokes sessions per device; another user gets 404 (BOLA)', async () => {
    const a = await signUp(t);
    const phone = await login(t, a.email, a.password, 'Phone');
    const listed = await sessionsOf(phone.accessToken);
    expect(listed).toHaveLength(2);
    expect(listed.filter((s) => s.current)).toHaveLength(1);
    const current = listed.find((s) => s.current);
    expect(current?.deviceName).toBe('Phone');
    const laptop = listed.find((s) => !s.current);
    if (!laptop) throw new Error('no second session');

    const b = await signUp(t);
    const stolen = await t.asUser(b).delete(`${API}/auth/sessions/${laptop.id}`).expect(404);
    const missing = await t.asUser(b).delete(`${API}/auth/sessions/${randomUUID()}`).expect(404);
    expect(stolen.body.type).toBe(missing.body.type);
    expect(missing.body.type).toBe('urn:problem:session-not-found');
    expect(stolen.body.detail).toBe(missing.body.detail);
    await me(a.accessToken).expect(200);

    await t.asUser(phone).delete(`${API}/auth/sessions/${laptop.id}`).expect(204);
    await me(a.accessToken).expect(401);
    await refresh(a.refreshToken).expect(401);
    await me(phone.accessToken).expect(200);

    await t.asUser(phone).post(`${API}/auth/logout`).expect(204);
    await me(phone.accessToken).expect(401);
    await refresh(phone.refreshToken).expect(401);
  });

  it('alerts by mail and in the inbox on a sign-in from a new client, not on the first or a known one', async () => {
    const firefox = 'Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0';
    const loginFrom = (u: { email: string; password: string }, userAgent: string) =>
      t.http
        .post(`${API}/auth/login`)
        .set('User-Agent', userAgent)
        .send({ email: u.email, password: u.password })
        .expect(200);
    const inboxOf = async (accessToken: string) => {
      const res = await t.withToken(accessToken).get(`${API}/notifications`).expect(200);
      return (res.body.data as Array<{ type: string; body: string }>).filter(
        (n) => n.type === 'auth.new_login',
      );
    };
    const a = await signUp(t); // the account's first sign-in: nothing to compare with
    await loginFrom(a, firefox);
    const mail = await mailbox.waitForText(a.email, 'Your account was signed in to on');
    expect(mail.subject).toBe('New sign-in to your account');
    expect(mail.text).toContain(firefox);
    await waitFor(async () => (await inboxOf(a.accessToken)).length === 1, {
      what: 'the in-app alert',
    });

    await loginFrom(a, firefox); // known now
    await login(t, a.email, a.password); // the first client, known too
    const again = await signUp(t);
    await loginFrom(again, firefox); // another account's new client: its own alert only
    await mailbox.waitForText(again.email, 'Your account was signed in to on');
    expect(mailbox.mailsTo(a.email).filter((m) => m.subject === mail.subject)).toHaveLength(1);
    expect(await inboxOf(a.accessToken)).toHaveLength(1);
  });

  it('logs out all other sessions, or all with includeCurrent', async () => {
    const u = await signUp(t);
    const second = await login(t, u.email, u.password);
    const third = await login(t, u.email, u.password);
    const res = await t.asUser(third).post(`${API}/auth/logout-all`).send({}).expect(200);
    expect(res.body).toEqual({ revokedSessions: 2 });
    await me(u.accessToken).expect(401);
    await me(second.accessToken).expect(401);
    await me(third.accessToken).expect(200);
    await t
      .asUser(third)
      .post(`${API}/auth/logout-all`)
      .send({ includeCurrent: true })
      .expect(200, { revokedSessions: 1 });
    await me(third.accessToken).expect(401);
  });

  it('resets a forgotten password by mail: same 202 for unknown emails, single use, sessions end', async () => {
    const u = await signUp(t);
    const unknown = `nobody-${randomUUID()}@example.test`;
    const known = await t.http
      .post(`${API}/auth/password/forgot`)
      .send({ email: u.email.toUpperCase() });
    const stranger = await t.http.post(`${API}/auth/password/forgot`).send({ email: unknown });
    expect(known.status).toBe(202);
    expect(stranger.status).toBe(202);
    expect(known.body).toEqual(stranger.body);

    const mail = await mailbox.waitForText(u.email, '/reset-password?token=');
    const { url, token } = tokenFrom(mail, '/reset-password');
    expect(url.startsWith('https://app.example.test/reset-password?token=')).toBe(true);

    const weak = await t.http
      .post(`${API}/auth/password/reset`)
      .send({ token, newPassword: 'password1234' })
      .expect(400);
    expect(weak.body.errors).toEqual([expect.objectContaining({ field: 'newPassword' })]);

    const newPassword = 'a brand new passphrase after reset';
    await t.http.post(`${API}/auth/password/reset`).send({ token, newPassword }).expect(204);
    const again = await t.http
      .post(`${API}/auth/password/reset`)
      .send({ token, newPassword: 'yet another passphrase here' })
      .expect(400);
    expect(again.body.type).toBe('urn:problem:invalid-token');
    await me(u.accessToken).expect(401);
    await refresh(u.refreshToken).expect(401);
    await t.http
      .post(`${API}/auth/login`)
      .send({ email: u.email, password: u.password })
      .expect(401);
    await login(t, u.email, newPassword);
    await mailbox.waitForText(u.email, 'password');
    expect(mailbox.mailsTo(unknown)).toHaveLength(0);
    // verification, reset, changed
    await waitFor(() => mailbox.mailsTo(u.email).length >= 3, { what: 'three mails' });
  });

  it('changes the password with the current one and ends the other sessions', async () => {
    const u = await signUp(t);
    const other = await login(t, u.email, u.password);
    const wrong = await t
      .asUser(u)
      .post(`${API}/auth/password/change`)
      .send({ currentPassword: 'not my password at all', newPassword: 'a changed passphrase here' })
      .expect(403);
    expect(wrong.body.type).toBe('urn:problem:wrong-password');
    await t
      .asUser(u)
      .post(`${API}/auth/password/change`)
      .send({ currentPassword: u.password, newPassword: 'a changed passphrase here' })
      .expect(204);
    await me(u.accessToken).expect(200);
    await me(other.accessToken).expect(401);
    await login(t, u.email, 'a changed passphrase here');
  });

  it('gives one identical 401 for an unknown email and a wrong password', async () => {
    const u = await signUp(t);
    const wrong = await t.http
      .post(`${API}/auth/login`)
      .set('X-Forwarded-For', ip())
      .send({ email: u.email, password: 'definitely not the password' })
      .expect(401);
    const unknown = await t.http
      .post(`${API}/auth/login`)
      .set('X-Forwarded-For', ip())
      .send({
        email: `ghost-${randomUUID()}@example.test`,
        password: 'definitely not the password',
      })
      .expect(401);
    const strip = (b: Record<string, unknown>) => ({ ...b, requestId: undefined });
    expect(strip(wrong.body)).toEqual(strip(unknown.body));
    expect(wrong.body.type).toBe('urn:problem:invalid-credentials');
  });

  it('slows an attacking client down with 429 + Retry-After, never for good', async () => {
    const u = await signUp(t);
    const attacker = '203.0.113.10';
    const attempt = (from: string, password: string) =>
      t.http
        .post(`${API}/auth/login`)
        .set('X-Forwarded-For', from)
        .send({ email: u.email, password });
    for (let i = 0; i < 6; i += 1)
      await attempt(attacker, `wrong password number ${i}`).expect(401);
    const limited = await attempt(attacker, u.password).expect(429);
    expect(limited.headers['retry-after']).toBe('1');
    expect(limited.body).toMatchObject({ type: 'urn:problem:too-many-requests', status: 429 });
    // The owner, on a device that did not fail, is not slowed down by someone else's failures.
    await attempt('203.0.113.11', u.password).expect(200);
    clock.advance(1_000);
    await attempt(attacker, u.password).expect(200);
    // The success reset the count: five more failures are free again, the sixth attempt passes.
    for (let i = 0; i < 5; i += 1) {
      await attempt(attacker, `another wrong password ${i}`).expect(401);
    }
    await attempt(attacker, u.password).expect(200);
  });

  it('keeps the owner signing in from their device while another IP uses up the account', async () => {
    const u = await signUp(t);
    const attacker = '203.0.113.12';
    // The attacker waits out its failure delay each time (the clock moves) and uses up the
    // account's failure record and its own window of 30 attempts.
    for (let i = 0; i < 30; i += 1) {
      clock.advance(20 * 60_000);
      await t.http
        .post(`${API}/auth/login`)
        .set('X-Forwarded-For', attacker)
        .send({ email: u.email, password: `wrong password number ${i}` });
    }
    const res = await t.http
      .post(`${API}/auth/login`)
      .set('X-Forwarded-For', '203.0.113.13')
      .send({ email: u.email, password: u.password });
    expect(res.status).toBe(200);
  });

  it('names the account in login_throttled audit rows, with the same 429 as for an unknown email', async () => {
    const u = await signUp(t);
    const ghost = `ghost-${randomUUID()}@example.test`;
    const attacker = ip();
    const throttledRequestOf = async (email: string) => {
      for (let i = 0; i < 6; i += 1) {
        await t.http
          .post(`${API}/auth/login`)
          .set('X-Forwarded-For', attacker)
          .send({ email, password: `wrong password number ${i}` })
          .expect(401);
      }
      const requestId = randomUUID();
      const res = await t.http
        .post(`${API}/auth/login`)
        .set('X-Forwarded-For', attacker)
        .set('X-Request-Id', requestId)
        .send({ email, password: 'still not the password' })
        .expect(429);
      const rows: Array<{ user_id: string | null }> = await t.app
        .get(DataSource)
        .query(
          `SELECT user_id FROM auth_events WHERE type = 'login_throttled' AND request_id = $1`,
          [requestId],
        );
      return { res, rows };
    };
    const known = await throttledRequestOf(u.email);
    const unknown = await throttledRequestOf(ghost);
    expect(known.rows).toEqual([{ user_id: u.userId }]);
    expect(unknown.rows).toEqual([{ user_id: null }]);
    const strip = (b: Record<string, unknown>) => ({ ...b, requestId: undefined });
    expect(strip(known.res.body)).toEqual(strip(unknown.res.body));
    expect(known.res.headers['retry-after']).toBe(unknown.res.headers['retry-after']);
  });

  it('limits forgot-password per client and account (429 + Retry-After), not for the owner elsewhere', async () => {
    const u = await signUp(t);
    const forgot = (from: string) =>
      t.http
        .post(`${API}/auth/password/forgot`)
        .set('X-Forwarded-For', from)
        .send({ email: u.email });
    for (let i = 0; i < 5; i += 1) await forgot('203.0.113.20').expect(202);
    const limited = await forgot('203.0.113.20').expect(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(3500);
    await forgot('203.0.113.21').expect(202);
  });

  it('bounds forgot-password on one account from many IPs, still answering each new one once', async () => {
    const u = await signUp(t);
    const forgot = (from: string) =>
      t.http
        .post(`${API}/auth/password/forgot`)
        .set('X-Forwarded-For', from)
        .send({ email: u.email });
    // 20 an hour per account: ten IPs twice each, every one within its own limit of five.
    for (let n = 0; n < 10; n += 1) {
      await forgot(`192.0.2.${n + 1}`).expect(202);
      await forgot(`192.0.2.${n + 1}`).expect(202);
    }
    // Over the ceiling, an IP's first attempt of the hour still passes, a second does not.
    await forgot('192.0.2.50').expect(202);
    const limited = await forgot('192.0.2.50').expect(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(3500);
    await forgot('192.0.2.1').expect(429);
  });

  it('keeps the register limit for the owner when another IP used it up for their address', async () => {
    const email = `coveted-${randomUUID()}@example.test`;
    const register = (from: string, password: string) =>
      t.http
        .post(`${API}/auth/register`)
        .set('X-Forwarded-For', from)
        .send({ email, password, displayName: 'Owner' });
    for (let i = 0; i < 5; i += 1)
      await register('203.0.113.30', `squatter passphrase ${i}`).expect(202);
    await register('203.0.113.30', 'squatter passphrase again').expect(429);
    await register('203.0.113.31', 'the owner’s own passphrase').expect(202);
  });

  it('does not count registrations refused for a weak password against the limit', async () => {
    const email = `weakling-${randomUUID()}@example.test`;
    const register = (password: string) =>
      t.http
        .post(`${API}/auth/register`)
        .set('X-Forwarded-For', '203.0.113.40')
        .send({ email, password, displayName: 'Weak' });
    for (let i = 0; i < 8; i += 1) {
      const weak = await register('qwerty123456').expect(400);
      expect(weak.body.type).toBe('urn:problem:weak-password');
    }
    await register('at last a decent passphrase').expect(202);
  });

  it('records the client IP from X-Forwarded-For when TRUST_PROXY names the hop', async () => {
    const u = await signUp(t);
    const res = await t.http
      .post(`${API}/auth/login`)
      .set('X-Forwarded-For', '203.0.113.99')
      .send({ email: u.email, password: u.password })
      .expect(200);
    const sessions = await sessionsOf(res.body.accessToken);
    expect(sessions.find((s) => s.current)?.ipAddress).toBe('203.0.113.99');
  });

  it('resends the verification mail: the new link works, the old one is void, unknown emails look the same', async () => {
    const u = await signUp(t);
    const resend = (email: string) =>
      t.http.post(`${API}/auth/email/resend`).set('X-Forwarded-For', ip()).send({ email });
    const first = tokenFrom(
      await mailbox.waitForText(u.email, '/verify-email?token='),
      '/verify-email',
    );

    const known = await resend(u.email).expect(202);
    const unknown = await resend(`nobody-${randomUUID()}@example.test`).expect(202);
    expect(unknown.body).toEqual(known.body);
    const second = tokenFrom(
      await mailbox.waitForText(u.email, '/verify-email?token=', 2),
      '/verify-email',
    );
    expect(second.token).not.toBe(first.token);

    await t.http.post(`${API}/auth/email/verify`).send({ token: first.token }).expect(400);
    await t.http.post(`${API}/auth/email/verify`).send({ token: second.token }).expect(204);
    // Verified: a further resend still answers 202 but mails nothing.
    await resend(u.email).expect(202);
    // Per-client limit on an account (5 an hour).
    const fromOneIp = () =>
      t.http
        .post(`${API}/auth/email/resend`)
        .set('X-Forwarded-For', '203.0.113.50')
        .send({ email: u.email });
    let limited = await fromOneIp();
    for (let i = 0; i < 5 && limited.status === 202; i++) limited = await fromOneIp();
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(
      mailbox.mailsTo(u.email).filter((m) => m.text.includes('/verify-email?token=')),
    ).toHaveLength(2);
  });

  it('rejects weak passwords and duplicate emails at registration', async () => {
    const common = await t.http
      .post(`${API}/auth/register`)
      .send({
        email: `weak-${randomUUID()}@example.test`,
        password: 'qwerty123456',
        displayName: 'W',
      })
      .expect(400);
    expect(common.body).toMatchObject({ type: 'urn:problem:weak-password', reason: 'common' });
    const u = await signUp(t);
    // A taken address (any case) answers exactly like a new one; its owner is told by mail.
    const fresh = await t.http
      .post(`${API}/auth/register`)
      .send({
        email: `new-${randomUUID()}@example.test`,
        password: 'another fine passphrase',
        displayName: 'D',
      })
      .expect(202);
    const dup = await t.http
      .post(`${API}/auth/register`)
      .send({ email: u.email.toUpperCase(), password: 'another fine passphrase', displayName: 'D' })
      .expect(202);
    expect(dup.body).toEqual(fresh.body);
    const notice = await mailbox.waitForText(u.email, '/sign-in');
    expect(notice.subject).toBe('You already have an account');
    await t.http
      .post(`${API}/auth/login`)
      .send({ email: u.email, password: u.password })
      .expect(200);
    await t.http
      .post(`${API}/auth/register`)
      .send({
        email: 'x@example.test',
        password: 'another fine passphrase',
        displayName: 'D',
        role: 'admin',
      })
      .expect(400);
  });

  it('answers one message per field: a missing one is required, a bad display name says why', async () => {
    const register = (body: object) => t.http.post(`${API}/auth/register`).send(body).expect(400);
    const missing = await register({ email: `m-${randomUUID()}@example.test` });
    expect(missing.body.errors).toEqual([
      { field: 'password', message: 'password is required' },
      { field: 'displayName', message: 'displayName is required' },
    ]);
    const bad = async (displayName: unknown) =>
      (
        await register({
          email: 'b@example.test',
          password: 'another fine passphrase',
          displayName,
        })
      ).body.errors;
    expect(await bad('  ')).toEqual([
      { field: 'displayName', message: 'displayName must not be blank' },
    ]);
    expect(await bad(42)).toEqual([
      { field: 'displayName', message: 'displayName must be a string' },
    ]);
    expect(await bad('x'.repeat(101))).toEqual([
      { field: 'displayName', message: 'displayName must be at most 100 characters' },
    ]);
  });

  describe('access tokens', () => {
    let u: Awaited<ReturnType<typeof signUp>>;
    let sid: string;
    const key = () => new TextEncoder().encode(t.config.auth.jwtSecret);
    const sign = (
      claims: Record<string, unknown>,
      opts: { aud?: string; iss?: string; exp?: number } = {},
    ) => {
      const now = Math.floor(clock.now().getTime() / 1000);
      return new SignJWT({ sid, role: 'user', ...claims })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(u.userId)
        .setIssuer(opts.iss ?? t.config.auth.jwtIssuer)
        .setAudience(opts.aud ?? t.config.auth.jwtAudience)
        .setIssuedAt(now)
        .setExpirationTime(opts.exp ?? now + 600)
        .sign(key());
    };

    beforeAll(async () => {
      u = await signUp(t);
      sid = JSON.parse(Buffer.from(u.accessToken.split('.')[1] ?? '', 'base64url').toString()).sid;
    });

    it('accepts a correctly signed token (the control case)', async () => {
      await me(await sign({})).expect(200);
    });

    it('answers 401 for tampered, alg none, wrong audience/issuer/key and missing tokens', async () => {
      const [header, payload, signature] = u.accessToken.split('.') as [string, string, string];
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
      const forged = Buffer.from(JSON.stringify({ ...claims, role: 'admin' })).toString(
        'base64url',
      );
      const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
      const otherKey = await new SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256' })
        .sign(new TextEncoder().encode('x'.repeat(48)));
      const flipped = signature.slice(0, -2) + (signature.endsWith('AA') ? 'BB' : 'AA');
      const bad = [
        `${header}.${forged}.${signature}`,
        `${header}.${payload}.${flipped}`,
        `${none}.${payload}.`,
        `${none}.${forged}.`,
        await sign({}, { aud: 'someone-else' }),
        await sign({}, { iss: 'https://evil.example' }),
        await sign({ role: 'superuser' }),
        await sign({ sid: 'not-a-uuid' }),
        otherKey,
        'garbage',
      ];
      for (const token of bad) {
        const res = await me(token);
        expect({ token, status: res.status }).toEqual({ token, status: 401 });
        expect(res.body.type).toBe('urn:problem:unauthenticated');
        expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
      }
      await t.http.get(`${API}/users/me`).expect(401);
      await t.http
        .get(`${API}/users/me`)
        .set('Authorization', `Basic ${u.accessToken}`)
        .expect(401);
    });

    it('answers 401 once a token expires (clock moved, no sleeping)', async () => {
      const fresh = await refresh(u.refreshToken).expect(200);
      u.refreshToken = fresh.body.refreshToken;
      await me(fresh.body.accessToken).expect(200);
      clock.advance(15 * 60_000);
      await me(fresh.body.accessToken).expect(401);
      const now = Math.floor(clock.now().getTime() / 1000);
      await me(await sign({}, { exp: now - 1 })).expect(401);
      // The session itself lives on: refreshing gives a working token.
      const renewed = await refresh(u.refreshToken).expect(200);
      await me(renewed.body.accessToken).expect(200);
      u.refreshToken = renewed.body.refreshToken;
    });

    it('ends sessions after the idle timeout and the absolute lifetime', async () => {
      const idle = await signUp(t);
      clock.advance(t.config.auth.session.idleTimeoutMs);
      const expired = await refresh(idle.refreshToken).expect(401);
      expect(expired.body.type).toBe('urn:problem:invalid-refresh-token');

      const busy = await signUp(t);
      let refreshToken = busy.refreshToken;
      const step = t.config.auth.session.idleTimeoutMs - 60_000;
      let elapsed = 0;
      while (elapsed + step < t.config.auth.session.absoluteLifetimeMs) {
        clock.advance(step);
        elapsed += step;
        refreshToken = (await refresh(refreshToken).expect(200)).body.refreshToken;
      }
      clock.advance(t.config.auth.session.absoluteLifetimeMs - elapsed);
      await refresh(refreshToken).expect(401);
    });
  });
});
