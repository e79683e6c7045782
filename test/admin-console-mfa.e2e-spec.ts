import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { generate } from 'otplib';
import { ManualClock } from '../src/common/clock.js';
import { signUp, type SignedUp } from './support/auth.js';
import { createTestApp, type TestApp } from './support/test-app.js';

/**
 * Setting up two-step sign-in through the console's session over plain HTTP, with
 * ADMIN_MFA_REQUIRED on: what the session says, the confirm route's refusals, and the session
 * passing admin routes afterwards (the browser flow is admin-console-mfa-browser.e2e-spec.ts).
 */
const clock = new ManualClock(new Date());
let t: TestApp;

beforeAll(async () => {
  t = await createTestApp({ TRUST_PROXY: '1', ADMIN_MFA_REQUIRED: 'true' }, { clock });
});
afterAll(() => t?.close());

/** Same-origin requests from this file's own client IP range. */
const fromPage = <R extends { set(name: string, value: string): R }>(req: R): R =>
  req
    .set('Host', 'console.test')
    .set('Origin', 'http://console.test')
    .set('X-Forwarded-For', '100.66.1.1');

async function consoleOf(user: SignedUp): Promise<{ cookie: string; csrf: string }> {
  const res = await fromPage(t.http.post('/admin/api/session'))
    .send({ email: user.email, password: user.password })
    .expect(201);
  expect(res.body.mfaEnrolmentRequired).toBe(true);
  const cookie = String(res.headers['set-cookie']).split(';')[0] as string;
  return { cookie, csrf: res.body.csrfToken as string };
}

describe('console MFA enrolment', () => {
  it('turns MFA on for the held session, which then passes admin routes at aal2', async () => {
    const admin = await signUp(t, { role: 'admin' });
    const c = await consoleOf(admin);
    const blocked = await t.http
      .get('/admin/api/v1/users?limit=1')
      .set('Cookie', c.cookie)
      .expect(403);
    expect(blocked.body.type).toBe('urn:problem:mfa-enrolment-required');

    const confirm = () =>
      fromPage(t.http.post('/admin/api/session/mfa'))
        .set('Cookie', c.cookie)
        .set('X-CSRF-Token', c.csrf);
    // Before a secret exists: the API's own 409.
    const early = await confirm().send({ code: '123456' }).expect(409);
    expect(early.body.type).toBe('urn:problem:mfa-enrolment-not-started');

    const started = await fromPage(t.http.post('/admin/api/v1/auth/mfa/totp'))
      .set('Cookie', c.cookie)
      .set('X-CSRF-Token', c.csrf)
      .expect(200);
    const secret = started.body.secret as string;
    for (const body of [{}, { code: 5 }, { code: null }, { code: 'x'.repeat(65) }, []]) {
      const bad = await confirm().send(body).expect(400);
      expect(bad.body.type).toBe('urn:problem:validation-failed');
    }
    const done = await confirm()
      .send({ code: await generate({ secret, epoch: Math.floor(clock.now().getTime() / 1000) }) })
      .expect(200);
    expect(done.headers['cache-control']).toBe('no-store');
    expect(done.body).toEqual({
      recoveryCodes: expect.arrayContaining([expect.stringMatching(/^[A-Z0-9]{5}-[A-Z0-9]{5}$/)]),
      session: {
        user: { id: admin.userId, email: admin.email, role: 'admin' },
        csrfToken: c.csrf,
        mfaEnrolmentRequired: false,
      },
    });
    expect(JSON.stringify(done.body)).not.toMatch(/eyJ/);
    await t.http.get('/admin/api/v1/users?limit=1').set('Cookie', c.cookie).expect(200);
    const me = await t.http.get('/admin/api/session').set('Cookie', c.cookie).expect(200);
    expect(me.body.mfaEnrolmentRequired).toBe(false);

    // Once on, confirming again is the API's 409; the code is not looked at.
    const again = await confirm().send({ code: '123456' }).expect(409);
    expect(again.body.type).toBe('urn:problem:mfa-already-enabled');
  });

  it('needs a console session and the CSRF token', async () => {
    await fromPage(t.http.post('/admin/api/session/mfa')).send({ code: '123456' }).expect(401);
    const admin = await signUp(t, { role: 'admin' });
    const c = await consoleOf(admin);
    const res = await fromPage(t.http.post('/admin/api/session/mfa'))
      .set('Cookie', c.cookie)
      .send({ code: '123456' })
      .expect(403);
    expect(res.body.type).toBe('urn:problem:csrf-token-invalid');
  });
});
