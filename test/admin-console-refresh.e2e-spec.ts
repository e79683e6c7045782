import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ManualClock } from '../src/common/clock.js';
import { signUp } from './support/auth.js';
import { createTestApp, type TestApp } from './support/test-app.js';

/**
 * The console keeps working past the access token's lifetime: the forwarder refreshes it with
 * the kept refresh token (the browser never sees either), and a session whose refresh fails
 * ends the console session.
 */
describe('console session across access-token expiry', () => {
  let t: TestApp;
  const clock = new ManualClock(new Date());
  beforeAll(async () => {
    t = await createTestApp({ ACCESS_TOKEN_TTL_SECONDS: '60' }, { clock });
  });
  afterAll(() => t?.close());

  it('refreshes the access token behind the cookie, keeping the same CSRF token', async () => {
    const admin = await signUp(t, { role: 'admin' });
    const res = await t.http
      .post('/admin/api/session')
      .set('Sec-Fetch-Site', 'same-origin')
      .set('X-Forwarded-For', '100.66.1.1')
      .send({ email: admin.email, password: admin.password })
      .expect(201);
    const cookie = String(res.headers['set-cookie']).split(';')[0] as string;
    const csrf = res.body.csrfToken as string;

    clock.advance(5 * 60_000);
    // The old access token alone is refused by now; the console's request still goes through.
    await t.asUser(admin).get('/api/v1/users/me').expect(401);
    await t.http.get('/admin/api/v1/users?limit=1').set('Cookie', cookie).expect(200);
    const me = await t.http.get('/admin/api/session').set('Cookie', cookie).expect(200);
    expect(me.body.csrfToken).toBe(csrf);
    // A rotation of the same session, not a new sign-in.
    const sessions = await t.http
      .get(`/admin/api/v1/users/${admin.userId}/sessions`)
      .set('Cookie', cookie)
      .expect(200);
    const consoles = sessions.body.data.filter(
      (s: { deviceName: string }) => s.deviceName === 'Admin console',
    );
    expect(consoles).toEqual([expect.objectContaining({ current: true })]);
  });
});
