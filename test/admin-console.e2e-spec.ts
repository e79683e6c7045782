import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { generate } from 'otplib';
import { signUp, type SignedUp } from './support/auth.js';
import { leaveDeliveryFailed } from './support/factories.js';
import { waitFor } from './support/wait.js';
import { createTestApp, type TestApp } from './support/test-app.js';

/**
 * The admin console's backend-for-frontend over plain HTTP: the cookie session, CSRF and origin
 * checks, forwarding onto the REST API, and the endpoints added for the console.
 */
let t: TestApp;
const ORIGIN = 'http://console.test';

beforeAll(async () => {
  t = await createTestApp({ TRUST_PROXY: '1' });
});
afterAll(() => t?.close());

interface Console {
  cookie: string;
  csrf: string;
}

/** Requests as the console page makes them: same origin, forwarded client IP of this file. */
const fromPage = <R extends { set(name: string, value: string): R }>(
  req: R,
  ip = '100.66.0.1',
): R => req.set('Host', 'console.test').set('Origin', ORIGIN).set('X-Forwarded-For', ip);

async function signIn(user: SignedUp, ip = '100.66.0.1'): Promise<Console> {
  const res = await fromPage(t.http.post('/admin/api/session'), ip)
    .send({ email: user.email, password: user.password })
    .expect(201);
  const setCookie = String(res.headers['set-cookie']);
  return { cookie: setCookie.split(';')[0] as string, csrf: res.body.csrfToken as string };
}

describe('console session', () => {
  it('signs an admin in with a scoped HttpOnly Secure SameSite=Strict cookie and no token', async () => {
    const admin = await signUp(t, { role: 'admin' });
    const res = await fromPage(t.http.post('/admin/api/session'))
      .send({ email: admin.email, password: admin.password })
      .expect(201);
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/^admin_session=[\w-]{43}; Max-Age=\d+; Path=\/admin; Expires=/);
    expect(cookie).toMatch(/HttpOnly; Secure; SameSite=Strict/);
    expect(res.body).toEqual({
      user: { id: admin.userId, email: admin.email, role: 'admin' },
      csrfToken: expect.stringMatching(/^[\w-]{43}$/),
      // ADMIN_MFA_REQUIRED is off here (on, see admin-console-mfa-browser.e2e-spec.ts).
      mfaEnrolmentRequired: false,
    });
    expect(JSON.stringify(res.body)).not.toMatch(/eyJ/);

    const me = await t.http
      .get('/admin/api/session')
      .set('Cookie', cookie.split(';')[0] as string)
      .expect(200);
    expect(me.headers['cache-control']).toBe('no-store');
    expect(me.body.user.id).toBe(admin.userId);
  });

  it('refuses a non-admin and ends the session the password opened', async () => {
    const user = await signUp(t);
    const res = await fromPage(t.http.post('/admin/api/session'))
      .send({ email: user.email, password: user.password })
      .expect(403);
    expect(res.body.type).toBe('urn:problem:console-admins-only');
    expect(res.headers['set-cookie']).toBeUndefined();
    const sessions = await t.asUser(user).get('/api/v1/auth/sessions').expect(200);
    expect(sessions.body.data.map((s: { deviceName: string }) => s.deviceName)).not.toContain(
      'Admin console',
    );
  });

  it('asks an admin with MFA for the second factor, then opens an aal2 session', async () => {
    const admin = await signUp(t, { role: 'admin' });
    const started = await t.asUser(admin).post('/api/v1/auth/mfa/totp').expect(200);
    const code = await generate({ secret: started.body.secret as string });
    const enrolled = await t
      .asUser(admin)
      .post('/api/v1/auth/mfa/totp/verify')
      .send({ code })
      .expect(200);
    const recoveryCode = (enrolled.body.recoveryCodes as string[])[0] as string;

    const first = await fromPage(t.http.post('/admin/api/session'), '100.66.0.3')
      .send({ email: admin.email, password: admin.password })
      .expect(200);
    expect(first.body).toEqual({
      mfaRequired: true,
      mfaToken: expect.any(String),
      methods: ['otp', 'recovery'],
    });
    expect(first.headers['set-cookie']).toBeUndefined();
    const wrong = await fromPage(t.http.post('/admin/api/session'), '100.66.0.3')
      .send({ mfaToken: first.body.mfaToken, code: '000000' })
      .expect(400);
    expect(wrong.body.type).toBe('urn:problem:invalid-mfa-code');
    const second = await fromPage(t.http.post('/admin/api/session'), '100.66.0.3')
      .send({ mfaToken: first.body.mfaToken, code: recoveryCode })
      .expect(201);
    const cookie = String(second.headers['set-cookie']).split(';')[0] as string;
    // Admin routes need aal2 on an MFA account: the console's session has it.
    await t.http.get('/admin/api/v1/users?limit=1').set('Cookie', cookie).expect(200);
  });

  it('answers a wrong password with the API’s own 401 problem', async () => {
    const admin = await signUp(t, { role: 'admin' });
    const res = await fromPage(t.http.post('/admin/api/session'), '100.66.0.2')
      .send({ email: admin.email, password: 'wrong password' })
      .expect(401);
    expect(res.body).toMatchObject({ type: 'urn:problem:invalid-credentials' });
    await fromPage(t.http.post('/admin/api/session')).send({ email: 5 }).expect(400);
  });

  it('refuses a sign-in or write from another site, and a write without the CSRF token', async () => {
    const admin = await signUp(t, { role: 'admin' });
    const crossSite = await t.http
      .post('/admin/api/session')
      .set('Host', 'console.test')
      .set('Origin', 'https://evil.test')
      .send({ email: admin.email, password: admin.password })
      .expect(403);
    expect(crossSite.body.type).toBe('urn:problem:cross-site-request');
    await t.http
      .post('/admin/api/session')
      .set('Sec-Fetch-Site', 'cross-site')
      .send({ email: admin.email, password: admin.password })
      .expect(403);
    // Neither header: not a browser on our page.
    await t.http.post('/admin/api/session').send({ email: 'a@b.c', password: 'x' }).expect(403);

    const c = await signIn(admin);
    const target = await signUp(t);
    const patch = `/admin/api/v1/users/${target.userId}`;
    const noToken = await fromPage(t.http.patch(patch))
      .set('Cookie', c.cookie)
      .send({ status: 'disabled' })
      .expect(403);
    expect(noToken.body.type).toBe('urn:problem:csrf-token-invalid');
    await fromPage(t.http.patch(patch))
      .set('Cookie', c.cookie)
      .set('X-CSRF-Token', 'x'.repeat(43))
      .send({ status: 'disabled' })
      .expect(403);
    const crossWrite = await t.http
      .patch(patch)
      .set('Cookie', c.cookie)
      .set('X-CSRF-Token', c.csrf)
      .set('Sec-Fetch-Site', 'same-site')
      .send({ status: 'disabled' })
      .expect(403);
    expect(crossWrite.body.type).toBe('urn:problem:cross-site-request');
    const user = await t.asUser(target).get('/api/v1/users/me').expect(200);
    expect(user.body.status).toBe('active');

    const ok = await fromPage(t.http.patch(patch))
      .set('Cookie', c.cookie)
      .set('X-CSRF-Token', c.csrf)
      .send({ status: 'disabled' })
      .expect(200);
    expect(ok.body.status).toBe('disabled');
  });

  it('forwards reads to the REST API as the admin, and nothing without the cookie', async () => {
    const admin = await signUp(t, { role: 'admin' });
    const c = await signIn(admin);
    const list = await t.http
      .get(`/admin/api/v1/users?email=${encodeURIComponent(admin.email)}`)
      .set('Cookie', c.cookie)
      .expect(200);
    expect(list.body.data.map((u: { id: string }) => u.id)).toEqual([admin.userId]);
    // A bearer token from the browser is ignored: the console's own session decides.
    const anonymous = await t.http
      .get('/admin/api/v1/users')
      .set('Authorization', `Bearer ${admin.accessToken}`)
      .expect(401);
    expect(anonymous.body.type).toBe('urn:problem:unauthenticated');
    await t.http.get('/admin/api/v1/users').set('Cookie', 'admin_session=forged').expect(401);
  });

  it('ends with logout: the cookie is cleared and the underlying session revoked', async () => {
    const admin = await signUp(t, { role: 'admin' });
    const c = await signIn(admin);
    await fromPage(t.http.delete('/admin/api/session')).set('Cookie', c.cookie).expect(403);
    const out = await fromPage(t.http.delete('/admin/api/session'))
      .set('Cookie', c.cookie)
      .set('X-CSRF-Token', c.csrf)
      .expect(204);
    expect(String(out.headers['set-cookie'])).toMatch(
      /^admin_session=; Path=\/admin; Expires=Thu, 01 Jan 1970/,
    );
    await t.http.get('/admin/api/session').set('Cookie', c.cookie).expect(401);
    const sessions = await t.asUser(admin).get('/api/v1/auth/sessions').expect(200);
    expect(sessions.body.data.map((s: { deviceName: string }) => s.deviceName)).not.toContain(
      'Admin console',
    );
  });

  it('ends when the admin’s session is revoked elsewhere (logout-all)', async () => {
    const admin = await signUp(t, { role: 'admin' });
    const c = await signIn(admin);
    await t.http.get('/admin/api/session').set('Cookie', c.cookie).expect(200);
    await t.asUser(admin).post('/api/v1/auth/logout-all').send({}).expect(200);
    await t.http.get('/admin/api/session').set('Cookie', c.cookie).expect(401);
    await t.http.get('/admin/api/v1/users').set('Cookie', c.cookie).expect(401);
  });
});

describe('console page', () => {
  it('serves /admin with a strict CSP and no caching of the HTML (or says how to build it)', async () => {
    const res = await t.http.get('/admin/users?role=admin');
    expect([200, 503]).toContain(res.status);
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['content-security-policy']).not.toContain('unsafe-inline');
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res.headers['cache-control']).toBe('no-cache, no-store, must-revalidate');
  });
});

describe('admin endpoints for the console', () => {
  let admin: SignedUp;
  beforeAll(async () => {
    admin = await signUp(t, { role: 'admin' });
  });

  it("lists a user's sessions and revokes one, then all; each audited with the admin as actor", async () => {
    const user = await signUp(t);
    const second = await signUp(t, { email: `x-${randomUUID()}@example.test` });
    void second;
    const list = await t.asUser(admin).get(`/api/v1/users/${user.userId}/sessions`).expect(200);
    expect(list.body.data).toHaveLength(1);
    const sessionId = list.body.data[0].id as string;
    await t.asUser(user).get('/api/v1/users/me').expect(200);
    await t.asUser(admin).delete(`/api/v1/users/${user.userId}/sessions/${sessionId}`).expect(204);
    await t.asUser(user).get('/api/v1/users/me').expect(401);
    // Another user's session id under this user is a 404, as is a second revoke.
    await t.asUser(admin).delete(`/api/v1/users/${user.userId}/sessions/${sessionId}`).expect(404);
    const events = await t
      .asUser(admin)
      .get(`/api/v1/users/${user.userId}/auth-events`)
      .expect(200);
    expect(events.body.data[0]).toMatchObject({
      type: 'session_revoked',
      sessionId,
      actorId: admin.userId,
    });

    await t.http.post('/api/v1/auth/login').send({ email: user.email, password: user.password });
    const all = await t.asUser(admin).delete(`/api/v1/users/${user.userId}/sessions`).expect(200);
    expect(all.body).toEqual({ revokedSessions: 1 });
    await t.asUser(admin).get(`/api/v1/users/${randomUUID()}/sessions`).expect(404);
    await t.asUser(user).get(`/api/v1/users/${admin.userId}/sessions`).expect(401);
    const other = await signUp(t);
    await t.asUser(other).get(`/api/v1/users/${admin.userId}/sessions`).expect(403);
  });

  it('gives the overview figures', async () => {
    const res = await t.asUser(admin).get('/api/v1/admin/overview').expect(200);
    expect(res.body.readiness).toEqual({ postgres: true, redis: true });
    expect(res.body.users.total).toBeGreaterThanOrEqual(res.body.users.newThisWeek);
    expect(res.body.users.newThisWeek).toBeGreaterThan(0);
    expect(res.body.queues.map((q: { name: string }) => q.name).sort()).toEqual([
      'files',
      'notifications',
      'outbox',
      'payments',
      'sync',
    ]);
    const user = await signUp(t);
    await t.asUser(user).get('/api/v1/admin/overview').expect(403);
  });

  it('lists the notification catalogue and deliveries, and retries only a failed delivery', async () => {
    const catalogue = await t.asUser(admin).get('/api/v1/notifications/catalogue').expect(200);
    expect(catalogue.body.data).toContainEqual({
      type: 'payments.refunded',
      category: 'payments',
      defaultChannels: ['email', 'push', 'in_app'],
    });
    const list = await t.asUser(admin).get('/api/v1/notifications/deliveries?limit=5').expect(200);
    expect(Array.isArray(list.body.data)).toBe(true);
    await t.asUser(admin).get('/api/v1/notifications/deliveries?status=nope').expect(400);
    await t
      .asUser(admin)
      .post(`/api/v1/notifications/deliveries/${randomUUID()}/retry`)
      .expect(404);
  });

  it('sends a failed delivery again on retry, and refuses to retry one that is not failed', async () => {
    const user = await signUp(t);
    const deliveriesOf = async () =>
      (
        await t
          .asUser(admin)
          .get(`/api/v1/notifications/deliveries?userId=${user.userId}&channel=email`)
          .expect(200)
      ).body.data as Array<{ id: string; status: string }>;
    const sent = await waitFor(
      async () => (await deliveriesOf()).find((d) => d.status === 'sent'),
      { what: 'the verification mail sent' },
    );
    await leaveDeliveryFailed(t.app, sent.id);
    const failed = await t
      .asUser(admin)
      .get(`/api/v1/notifications/deliveries?status=failed&userId=${user.userId}`)
      .expect(200);
    expect(failed.body.data).toEqual([
      expect.objectContaining({ id: sent.id, lastError: 'SMTP 550 mailbox unavailable' }),
    ]);

    const retried = await t
      .asUser(admin)
      .post(`/api/v1/notifications/deliveries/${sent.id}/retry`)
      .expect(200);
    expect(retried.body).toMatchObject({ id: sent.id, status: 'queued', failedAt: null });
    await waitFor(
      async () => (await deliveriesOf()).find((d) => d.id === sent.id && d.status === 'sent'),
      { what: 'the retried delivery sent' },
    );
    const again = await t
      .asUser(admin)
      .post(`/api/v1/notifications/deliveries/${sent.id}/retry`)
      .expect(409);
    expect(again.body.type).toBe('urn:problem:delivery-not-retryable');
  });
});
