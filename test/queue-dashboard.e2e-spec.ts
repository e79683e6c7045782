import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { signUp } from './support/auth.js';
import { createTestApp, type TestApp } from './support/test-app.js';

describe('admin queue dashboard', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const openSession = (token: string) =>
    t.withToken(token).post('/api/v1/admin/queue-dashboard/session');

  it('is closed without a ticket, and to non-admins', async () => {
    const anonymous = await t.http
      .get('/admin/queues/api/queues?x=1')
      .set('X-Request-Id', 'dash-anon-1')
      .expect(401);
    expect(anonymous.headers['content-type']).toMatch(/problem\+json/);
    expect(anonymous.body).toMatchObject({
      type: 'urn:problem:unauthenticated',
      status: 401,
      requestId: 'dash-anon-1',
      instance: '/admin/queues/api/queues',
    });
    // A malformed escape in the cookie is no ticket, not a 500.
    await t.http.get('/admin/queues').set('Cookie', 'queue_dashboard=%E0%A4%A').expect(401);
    const user = await signUp(t);
    await openSession(user.accessToken).expect(403);
    await t.http.get('/admin/queues').set('Cookie', 'queue_dashboard=forged.value').expect(401);
  });

  it('opens for an admin with a path-scoped HttpOnly cookie and closes with the session', async () => {
    const admin = await signUp(t, { role: 'admin' });
    const res = await openSession(admin.accessToken).expect(204);
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(
      /^queue_dashboard=[^;]+; Max-Age=900; Path=\/admin\/queues; Expires=.*HttpOnly; SameSite=Strict/,
    );
    const pair = cookie.split(';')[0];

    const page = await t.http.get('/admin/queues').set('Cookie', pair).expect(200);
    expect(page.text).toContain('__UI_CONFIG__');
    const api = await t.http.get('/admin/queues/api/queues').set('Cookie', pair).expect(200);
    expect(api.body.queues.map((q: { name: string }) => q.name)).toEqual(
      expect.arrayContaining(['outbox', 'notifications', 'payments']),
    );

    await t.asUser(admin).post('/api/v1/auth/logout').expect(204);
    await t.http.get('/admin/queues/api/queues').set('Cookie', pair).expect(401);
  });
});
