import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { login, signUp, type SignedUp } from './support/auth.js';
import { userRow } from './support/rows.js';
import { createTestApp, type TestApp } from './support/test-app.js';

const API = '/api/v1';

describe('users over HTTP', () => {
  let t: TestApp;
  let admin: SignedUp;

  beforeAll(async () => {
    t = await createTestApp({ ARGON2_MEMORY_KIB: '1024', ARGON2_TIME_COST: '1' });
    admin = await signUp(t, { role: 'admin', displayName: 'Admin' });
  });
  afterAll(() => t.close());

  it('updates only display name, locale and time zone on PATCH /users/me', async () => {
    const u = await signUp(t);
    const ok = await t
      .asUser(u)
      .patch(`${API}/users/me`)
      .send({ displayName: 'Renamed', locale: 'de-at', timeZone: 'America/New_York' })
      .expect(200);
    expect(ok.body).toMatchObject({
      displayName: 'Renamed',
      locale: 'de-AT',
      timeZone: 'America/New_York',
    });
    for (const body of [
      { role: 'admin' },
      { status: 'disabled' },
      { email: 'x@example.test' },
      { displayName: 'X', emailVerified: true },
    ]) {
      const res = await t.asUser(u).patch(`${API}/users/me`).send(body).expect(400);
      expect(res.body.type).toBe('urn:problem:validation-failed');
    }
    await t.asUser(u).patch(`${API}/users/me`).send({ timeZone: 'Mars/Olympus' }).expect(400);
    await t.asUser(u).patch(`${API}/users/me`).send({ displayName: '   ' }).expect(400);
    const after = await t.asUser(u).get(`${API}/users/me`).expect(200);
    expect(after.body).toMatchObject({
      role: 'user',
      status: 'active',
      displayName: 'Renamed',
      email: u.email,
    });
  });

  it('forbids admin endpoints to non-admins with 403', async () => {
    const u = await signUp(t);
    const other = await signUp(t);
    const denied = await t.asUser(u).get(`${API}/users`).expect(403);
    expect(denied.body.type).toBe('urn:problem:forbidden');
    await t.asUser(u).get(`${API}/users/${other.userId}`).expect(403);
    await t.asUser(u).patch(`${API}/users/${other.userId}`).send({ role: 'admin' }).expect(403);
    await t.asUser(u).delete(`${API}/users/${other.userId}`).expect(403);
    await t.asUser(u).get(`${API}/users/${other.userId}/auth-events`).expect(403);
    await t.http.get(`${API}/users`).expect(401);
  });

  it('lists users for admins with filters and cursor pagination', async () => {
    const tag = randomUUID().slice(0, 8);
    const made: SignedUp[] = [];
    for (let i = 0; i < 3; i += 1)
      made.push(await signUp(t, { email: `list-${tag}-${i}@example.test` }));
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { body: { data: Array<{ id: string }>; nextCursor: string | null } } = await t
        .asUser(admin)
        .get(`${API}/users?limit=2&email=LIST-${tag}${cursor ? `&cursor=${cursor}` : ''}`)
        .expect(200);
      seen.push(...res.body.data.map((u: { id: string }) => u.id));
      expect(JSON.stringify(res.body)).not.toMatch(/password|hash/i);
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(made.map((u) => u.userId).reverse());
    const admins = await t.asUser(admin).get(`${API}/users?role=admin&limit=100`).expect(200);
    expect(admins.body.data.every((u: { role: string }) => u.role === 'admin')).toBe(true);
    await t.asUser(admin).get(`${API}/users?cursor=bogus`).expect(400);
    await t.asUser(admin).get(`${API}/users?limit=1000`).expect(400);
    const one = await t.asUser(admin).get(`${API}/users/${made[0]?.userId}`).expect(200);
    expect(one.body.email).toBe(made[0]?.email);
    await t.asUser(admin).get(`${API}/users/${randomUUID()}`).expect(404);
    await t.asUser(admin).get(`${API}/users/not-a-uuid`).expect(400);
  });

  it('ends sessions at once when an admin demotes or disables a user', async () => {
    const u = await signUp(t);
    const promoted = await t
      .asUser(admin)
      .patch(`${API}/users/${u.userId}`)
      .send({ role: 'admin' })
      .expect(200);
    expect(promoted.body.role).toBe('admin');
    await t.asUser(u).get(`${API}/users/me`).expect(401);
    const asAdmin = await login(t, u.email, u.password);
    await t.asUser(asAdmin).get(`${API}/users`).expect(200);
    await t.asUser(admin).patch(`${API}/users/${u.userId}`).send({ role: 'user' }).expect(200);
    await t.asUser(asAdmin).get(`${API}/users`).expect(401);

    const fresh = await login(t, u.email, u.password);
    await t
      .asUser(admin)
      .patch(`${API}/users/${u.userId}`)
      .send({ status: 'disabled' })
      .expect(200);
    await t.asUser(fresh).get(`${API}/users/me`).expect(401);
    const refused = await t.http
      .post(`${API}/auth/login`)
      .send({ email: u.email, password: u.password })
      .expect(403);
    expect(refused.body.type).toBe('urn:problem:account-disabled');
    await t.asUser(admin).patch(`${API}/users/${u.userId}`).send({ status: 'active' }).expect(200);
    await login(t, u.email, u.password);

    await t.asUser(admin).patch(`${API}/users/${admin.userId}`).send({ role: 'user' }).expect(409);
    await t.asUser(admin).patch(`${API}/users/${u.userId}`).send({ role: 'owner' }).expect(400);

    const events = await t
      .asUser(admin)
      .get(`${API}/users/${u.userId}/auth-events?limit=50`)
      .expect(200);
    const types = events.body.data.map((e: { type: string }) => e.type);
    expect(types).toEqual(
      expect.arrayContaining(['role_changed', 'status_changed', 'login_succeeded', 'registered']),
    );
    const roleChanges = events.body.data.filter((e: { type: string }) => e.type === 'role_changed');
    expect(roleChanges).toEqual([
      expect.objectContaining({
        actorId: admin.userId,
        details: expect.objectContaining({ from: 'admin', to: 'user' }),
      }),
      expect.objectContaining({
        actorId: admin.userId,
        details: expect.objectContaining({ from: 'user', to: 'admin' }),
      }),
    ]);
    expect(JSON.stringify(events.body)).not.toMatch(/password"|token"|hash/i);
    const page = await t
      .asUser(admin)
      .get(`${API}/users/${u.userId}/auth-events?limit=1`)
      .expect(200);
    expect(page.body.data).toHaveLength(1);
    const next = await t
      .asUser(admin)
      .get(`${API}/users/${u.userId}/auth-events?limit=1&cursor=${page.body.nextCursor}`)
      .expect(200);
    expect(next.body.data[0].id).not.toBe(page.body.data[0].id);
  });

  it('deletes my account with my password: scrubbed, sessions dead, email free again', async () => {
    const u = await signUp(t);
    const wrong = await t
      .asUser(u)
      .delete(`${API}/users/me`)
      .send({ password: 'not the right one' })
      .expect(403);
    expect(wrong.body.type).toBe('urn:problem:wrong-password');
    await t.asUser(u).delete(`${API}/users/me`).send({}).expect(400);
    await t.asUser(u).delete(`${API}/users/me`).send({ password: u.password }).expect(204);
    await t.asUser(u).get(`${API}/users/me`).expect(401);
    await t.http.post(`${API}/auth/refresh`).send({ refreshToken: u.refreshToken }).expect(401);
    await t.http
      .post(`${API}/auth/login`)
      .send({ email: u.email, password: u.password })
      .expect(401);
    const row = await userRow(t.app, u.userId);
    expect(row.email).not.toContain(u.email.split('@')[0]);
    expect(row.password_hash).toBeNull();
    expect(row.display_name).toBe('Deleted user');
    expect(row.deleted_at).not.toBeNull();
    await t.asUser(admin).get(`${API}/users/${u.userId}`).expect(404);
    const again = await signUp(t, { email: u.email });
    expect(again.userId).not.toBe(u.userId);
  });

  it('lets an admin delete a user, not themselves', async () => {
    const u = await signUp(t);
    await t.asUser(admin).delete(`${API}/users/${u.userId}`).expect(204);
    await t.asUser(u).get(`${API}/users/me`).expect(401);
    await t.asUser(admin).delete(`${API}/users/${u.userId}`).expect(404);
    await t.asUser(admin).delete(`${API}/users/${admin.userId}`).expect(409);
  });

  it('keeps a deleted user’s auth events readable by admins; an unknown id stays a 404', async () => {
    const u = await signUp(t);
    await t.asUser(admin).delete(`${API}/users/${u.userId}`).expect(204);
    await t.asUser(admin).get(`${API}/users/${u.userId}`).expect(404);
    const events = await t
      .asUser(admin)
      .get(`${API}/users/${u.userId}/auth-events?limit=50`)
      .expect(200);
    const types = events.body.data.map((e: { type: string }) => e.type);
    expect(types).toEqual(expect.arrayContaining(['account_deleted', 'login_succeeded']));
    const unknown = await t.asUser(admin).get(`${API}/users/${randomUUID()}/auth-events`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.type).toBe('urn:problem:not-found');
  });
});

describe('per-IP limits and proxies', () => {
  it('limits one IP across accounts (429), reading X-Forwarded-For only behind TRUST_PROXY', async () => {
    const behindProxy = await createTestApp({
      ARGON2_MEMORY_KIB: '1024',
      ARGON2_TIME_COST: '1',
      AUTH_IP_LIMIT_MULTIPLIER: '1',
      TRUST_PROXY: '1',
    });
    try {
      // An address no other file uses (auth's per-IP tests count 192.0.2.1-50 in the shared Redis).
      const ip = `198.18.${Math.floor(Math.random() * 250) + 1}.${Math.floor(Math.random() * 250) + 1}`;
      for (let i = 0; i < 20; i += 1) {
        await behindProxy.http
          .post(`${API}/auth/password/forgot`)
          .set('X-Forwarded-For', ip)
          .send({ email: `ip-${i}-${randomUUID()}@example.test` })
          .expect(202);
      }
      const limited = await behindProxy.http
        .post(`${API}/auth/password/forgot`)
        .set('X-Forwarded-For', ip)
        .send({ email: `ip-x-${randomUUID()}@example.test` })
        .expect(429);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      await behindProxy.http
        .post(`${API}/auth/password/forgot`)
        .set('X-Forwarded-For', '192.0.2.254, 10.0.0.1')
        .send({ email: `ip-y-${randomUUID()}@example.test` })
        .expect(202);
    } finally {
      await behindProxy.close();
    }
    const direct = await createTestApp({ ARGON2_MEMORY_KIB: '1024', ARGON2_TIME_COST: '1' });
    try {
      const u = await signUp(direct);
      const res = await direct.http
        .post(`${API}/auth/login`)
        .set('X-Forwarded-For', '203.0.113.50')
        .send({ email: u.email, password: u.password })
        .expect(200);
      const sessions = await direct
        .withToken(res.body.accessToken)
        .get(`${API}/auth/sessions`)
        .expect(200);
      const current = sessions.body.data.find((s: { current: boolean }) => s.current);
      expect(current.ipAddress).not.toBe('203.0.113.50');
    } finally {
      await direct.close();
    }
  });
});
