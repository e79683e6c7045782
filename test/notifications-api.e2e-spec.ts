import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { getQueueToken } from '@nestjs/bull';
import type { Queue } from 'bull';
import { DataSource } from 'typeorm';
import { ManualClock } from '../src/common/clock.js';
import { QUEUES } from '../src/queue/queues.js';
import { signUp, type SignedUp } from './support/auth.js';
import { deliveriesOf, notify, paymentData } from './support/notifications.js';
import { insertManyUsers, insertUser, setTimeZone } from './support/factories.js';
import { FakeFcm } from './support/fcm.js';
import { SmtpInbox } from './support/smtp.js';
import { SseClient } from './support/sse.js';
import { createTestApp, type TestApp } from './support/test-app.js';
import { waitFor } from './support/wait.js';

jest.setTimeout(120_000);

describe('notifications API', () => {
  const clock = new ManualClock(new Date('2026-03-02T12:00:00Z'));
  let t: TestApp;
  let inbox: SmtpInbox;
  let fcm: FakeFcm;
  let base: string;

  beforeAll(async () => {
    inbox = await SmtpInbox.start();
    fcm = await new FakeFcm().start();
    t = await createTestApp(
      {
        SMTP_URL: inbox.url,
        ...fcm.env(),
        NOTIFICATIONS_BACKOFF_MS: '50',
        NOTIFICATIONS_SSE_HEARTBEAT_MS: '200',
        NOTIFICATIONS_BROADCAST_BATCH: '500',
      },
      { clock },
    );
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await t.close();
    await inbox.stop();
    await fcm.stop();
  });

  const db = () => t.app.get(DataSource);
  const queue = () => t.app.get<Queue>(getQueueToken(QUEUES.notifications.name));

  async function paymentNotification(user: SignedUp): Promise<string> {
    const key = `payment:${randomUUID()}`;
    await notify(t.app, {
      userId: user.userId,
      type: 'payments.succeeded',
      data: paymentData(),
      idempotencyKey: key,
    });
    return key;
  }

  async function inboxIds(user: SignedUp, query = ''): Promise<string[]> {
    const res = await t.asUser(user).get(`/api/v1/notifications${query}`);
    expect(res.status).toBe(200);
    return res.body.data.map((n: { id: string }) => n.id);
  }

  it('registration produces the verification mail', async () => {
    const user = await signUp(t);
    const mail = await inbox.waitForMail((m) => m.to.includes(user.email.toLowerCase()));
    expect(mail.text).toMatch(/https?:\/\/\S+/);
  });

  it('lists the inbox newest first with cursor pagination, unread filter, read and read-all', async () => {
    const user = await signUp(t);
    for (let i = 0; i < 3; i++) await paymentNotification(user);
    await waitFor(async () => (await inboxIds(user)).length === 3, { what: '3 notifications' });

    const first = await t.asUser(user).get('/api/v1/notifications?limit=2');
    expect(first.body.data).toHaveLength(2);
    expect(first.body.data[0]).toMatchObject({
      type: 'payments.succeeded',
      category: 'payments',
      readAt: null,
    });
    expect(first.body.data[0].title).toBeTruthy();
    const second = await t
      .asUser(user)
      .get(`/api/v1/notifications?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.data).toHaveLength(1);
    expect(second.body.nextCursor).toBeNull();
    const all = [...first.body.data, ...second.body.data];
    const times = all.map((n: { createdAt: string }) => n.createdAt);
    expect([...times].sort().reverse()).toEqual(times);

    expect((await t.asUser(user).get('/api/v1/notifications/unread-count')).body).toEqual({
      count: 3,
    });
    const read = await t.asUser(user).post(`/api/v1/notifications/${all[0].id}/read`);
    expect(read.status).toBe(200);
    expect(read.body.readAt).toBe(clock.now().toISOString());
    expect(await inboxIds(user, '?unread=true')).toEqual([all[1].id, all[2].id]);
    const readAll = await t.asUser(user).post('/api/v1/notifications/read-all');
    expect(readAll.body).toEqual({ marked: 2 });
    expect((await t.asUser(user).get('/api/v1/notifications/unread-count')).body).toEqual({
      count: 0,
    });

    const bad = await t.asUser(user).get('/api/v1/notifications?cursor=bm9wZQ');
    expect(bad.status).toBe(400);
  });

  it('answers 404 for another user’s notification, device or a missing one (BOLA)', async () => {
    const owner = await signUp(t);
    const other = await signUp(t);
    await paymentNotification(owner);
    const [id] = await waitFor(async () => {
      const ids = await inboxIds(owner);
      return ids.length ? ids : null;
    });
    const device = await t
      .asUser(owner)
      .post('/api/v1/notifications/devices')
      .send({ token: `tok-${randomUUID()}`, platform: 'android' });
    expect(device.status).toBe(201);

    const theirs = await t.asUser(other).post(`/api/v1/notifications/${id}/read`);
    const missing = await t.asUser(other).post(`/api/v1/notifications/${randomUUID()}/read`);
    expect(theirs.status).toBe(404);
    expect(missing.status).toBe(404);
    expect(theirs.body.type).toBe(missing.body.type);
    const delTheirs = await t
      .asUser(other)
      .delete(`/api/v1/notifications/devices/${device.body.id}`);
    expect(delTheirs.status).toBe(404);
    const broadcast = await t.asUser(other).get(`/api/v1/notifications/broadcasts/${randomUUID()}`);
    expect(broadcast.status).toBe(403);
    const admin = await signUp(t, { role: 'admin' });
    const missingBroadcast = await t
      .asUser(admin)
      .get(`/api/v1/notifications/broadcasts/${randomUUID()}`);
    expect(missingBroadcast.status).toBe(404);
    // The owner's things are untouched.
    const [row] = await db().query(`SELECT read_at FROM notifications WHERE id = $1`, [id]);
    expect(row.read_at).toBeNull();
    const del = await t.asUser(owner).delete(`/api/v1/notifications/devices/${device.body.id}`);
    expect(del.status).toBe(204);
    expect((await t.withToken('nope').get('/api/v1/notifications')).status).toBe(401);
  });

  it('reads and changes preferences; security email cannot be turned off', async () => {
    const user = await signUp(t);
    const initial = await t.asUser(user).get('/api/v1/notifications/preferences');
    expect(initial.body).toMatchObject({
      channels: { security: { email: true, push: true, inApp: true }, marketing: { email: false } },
      quietHours: null,
    });
    const refused = await t
      .asUser(user)
      .put('/api/v1/notifications/preferences')
      .send({ channels: { security: { email: false } } });
    expect(refused.status).toBe(400);
    expect(refused.body.detail).toMatch(/cannot be turned off/);
    const changed = await t
      .asUser(user)
      .put('/api/v1/notifications/preferences')
      .send({
        channels: { payments: { push: false } },
        quietHours: { start: '22:00', end: '07:00' },
      });
    expect(changed.status).toBe(200);
    expect(changed.body.channels.payments).toEqual({ email: true, push: false, inApp: true });
    expect(changed.body.quietHours).toEqual({ start: '22:00', end: '07:00' });
    const badTime = await t
      .asUser(user)
      .put('/api/v1/notifications/preferences')
      .send({ quietHours: { start: '25:00', end: '07:00' } });
    expect(badTime.status).toBe(400);
    const cleared = await t
      .asUser(user)
      .put('/api/v1/notifications/preferences')
      .send({ quietHours: null });
    expect(cleared.body.quietHours).toBeNull();
    expect(cleared.body.channels.payments.push).toBe(false);
  });

  it('pushes through FCM, and deletes a device the provider reports unregistered', async () => {
    const user = await signUp(t);
    const good = `good-${randomUUID()}`;
    const dead = `dead-${randomUUID()}`;
    fcm.unregistered.add(dead);
    for (const [token, platform] of [
      [good, 'ios'],
      [dead, 'android'],
    ]) {
      const res = await t
        .asUser(user)
        .post('/api/v1/notifications/devices')
        .send({ token, platform });
      expect(res.status).toBe(201);
    }
    const again = await t
      .asUser(user)
      .post('/api/v1/notifications/devices')
      .send({ token: good, platform: 'ios' });
    expect(again.status).toBe(200);

    const key = await paymentNotification(user);
    const deliveries = await waitFor(async () => {
      const d = await deliveriesOf(t.app, user.userId, key);
      return d.push?.status === 'sent' && d.email?.status === 'sent' ? d : null;
    });
    expect(deliveries.in_app?.status).toBe('sent');
    expect(deliveries.push!.last_error).toMatch(/UNREGISTERED/);
    const sent = fcm.sends.filter((s) => s.body.message.token === good);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.path).toBe('/v1/projects/demo/messages:send');
    expect(sent[0]!.auth).toBe('Bearer fake-access-token');
    expect(sent[0]!.body.message).toMatchObject({
      notification: { title: expect.any(String), body: expect.stringContaining('19.99') },
      apns: { payload: { aps: { sound: 'default' } } },
    });
    const devices = await db().query(`SELECT token FROM push_devices WHERE user_id = $1`, [
      user.userId,
    ]);
    expect(devices).toEqual([{ token: good }]);
    await inbox.waitForMail(
      (m) => m.to.includes(user.email.toLowerCase()) && /19\.99/.test(m.text),
    );
  });

  it('holds push and email inside quiet hours until the window ends; in-app is immediate', async () => {
    const user = await signUp(t);
    await setTimeZone(t.app, user.userId, 'Europe/Berlin');
    await t
      .asUser(user)
      .post('/api/v1/notifications/devices')
      .send({ token: `q-${randomUUID()}`, platform: 'web' });
    // 12:00 UTC is 13:00 in Berlin: inside 12:30–15:00 local, which ends at 14:00 UTC.
    await t
      .asUser(user)
      .put('/api/v1/notifications/preferences')
      .send({ quietHours: { start: '12:30', end: '15:00' } });
    const key = await paymentNotification(user);
    const d = await waitFor(async () => {
      const x = await deliveriesOf(t.app, user.userId, key);
      return x.email && x.push ? x : null;
    });
    expect(d.in_app?.status).toBe('sent');
    expect(d.email).toMatchObject({
      status: 'queued',
      scheduled_at: new Date('2026-03-02T14:00:00Z'),
    });
    // The rows commit first, then the jobs are queued.
    const job = await waitFor(() => queue().getJob(d.email!.id), { what: 'delayed email job' });
    expect(job.opts.delay).toBe(2 * 3600_000);
    expect(await job.isDelayed()).toBe(true);
    expect(await inboxIds(user)).toHaveLength(1);

    // The window ends: Bull releases the delayed jobs (promoted here instead of waiting 2 h).
    clock.advance(2 * 3600_000);
    await job!.promote();
    await (await queue().getJob(d.push!.id))!.promote();
    await waitFor(async () => {
      const x = await deliveriesOf(t.app, user.userId, key);
      return x.email?.status === 'sent' && x.push?.status === 'sent';
    });
    expect(
      inbox.mailsTo(user.email.toLowerCase()).filter((m) => /19\.99/.test(m.text)),
    ).toHaveLength(1);
    clock.set(new Date('2026-03-02T12:00:00Z'));
  });

  it('streams new notifications over SSE and resumes after Last-Event-ID without loss', async () => {
    const user = await signUp(t);
    const ticket = async () =>
      (await t.asUser(user).post('/api/v1/notifications/stream-ticket')).body.ticket as string;

    const denied = await t.http.get('/api/v1/notifications/stream?ticket=nope');
    expect(denied.status).toBe(401);

    const first = await SseClient.open(
      `${base}/api/v1/notifications/stream?ticket=${await ticket()}`,
    );
    expect(first.status).toBe(200);
    await first.waitForEvent((e) => e.event === 'unread-count' && JSON.parse(e.data).count === 0);
    await paymentNotification(user);
    const live = await first.waitForEvent((e) => e.event === 'notification');
    expect(JSON.parse(live.data)).toMatchObject({ type: 'payments.succeeded', readAt: null });
    const count = await first.waitForEvent((e) => e.event === 'unread-count' && e.id !== null);
    expect(JSON.parse(count.data)).toEqual({ count: 1 });
    await waitFor(() => first.heartbeats > 0, { what: 'heartbeat' });
    first.close();

    // Two notifications while disconnected.
    await paymentNotification(user);
    await paymentNotification(user);
    await waitFor(async () => (await inboxIds(user)).length === 3);

    const reused = await SseClient.open(
      `${base}/api/v1/notifications/stream?ticket=nope-${randomUUID()}`,
    );
    expect(reused.status).toBe(401);
    reused.close();

    const resumed = await SseClient.open(
      `${base}/api/v1/notifications/stream?ticket=${await ticket()}`,
      {
        'Last-Event-ID': count.id!,
      },
    );
    await waitFor(() => resumed.events.filter((e) => e.event === 'notification').length === 2, {
      what: 'two replayed notifications',
    });
    const replayed = resumed.events
      .filter((e) => e.event === 'notification')
      .map((e) => JSON.parse(e.data).id);
    expect(new Set(replayed).size).toBe(2);
    expect(replayed).not.toContain(JSON.parse(live.data).id);
    const counts = resumed.events
      .filter((e) => e.event === 'unread-count')
      .map((e) => JSON.parse(e.data).count);
    // The count is state, read when published: the last one is the total.
    expect(counts.at(-1)).toBe(3);

    // Reading on the API publishes the new count to the open stream.
    await t.asUser(user).post('/api/v1/notifications/read-all');
    await resumed.waitForEvent((e) => e.event === 'unread-count' && JSON.parse(e.data).count === 0);
    resumed.close();
  });

  it('broadcasts to a few thousand users in batches with the right counts', async () => {
    const admin = await signUp(t, { role: 'admin' });
    const before: number = (
      await db().query(
        `SELECT count(*)::int AS n FROM users WHERE status = 'active' AND deleted_at IS NULL`,
      )
    )[0].n;
    // Other test files share the database: their users may have changed announcement switches.
    const [{ inAppOffBefore, emailOnBefore }] = await db().query(
      `SELECT count(*) FILTER (WHERE p.channels -> 'marketing' ->> 'in_app' = 'false')::int
                AS "inAppOffBefore",
              count(*) FILTER (WHERE p.channels -> 'marketing' ->> 'email' = 'true')::int
                AS "emailOnBefore"
         FROM users u JOIN notification_preferences p ON p.user_id = u.id
        WHERE u.status = 'active' AND u.deleted_at IS NULL`,
    );
    const bulk = 3000;
    await insertManyUsers(t.app, bulk);
    await insertUser(t.app, {
      email: `off-${randomUUID()}@example.test`,
      displayName: 'Disabled',
      status: 'disabled',
    });
    // One user opted in to announcement email, one turned in-app off.
    const optIn = await signUp(t);
    const noInApp = await signUp(t);
    await t
      .asUser(optIn)
      .put('/api/v1/notifications/preferences')
      .send({ channels: { marketing: { email: true } } });
    await t
      .asUser(noInApp)
      .put('/api/v1/notifications/preferences')
      .send({ channels: { marketing: { inApp: false } } });
    const expected = before + bulk + 2;

    const started = Date.now();
    const res = await t
      .asUser(admin)
      .post('/api/v1/notifications/broadcast')
      .send({ title: 'Maintenance tonight', body: 'We will be down <b>briefly</b>.' });
    expect(res.status).toBe(202);
    expect(res.body.status).toBe('pending');
    const progress = await waitFor(
      async () => {
        const p = await t.asUser(admin).get(`/api/v1/notifications/broadcasts/${res.body.id}`);
        return p.body.status === 'completed' ? p.body : null;
      },
      { timeoutMs: 60_000, what: 'broadcast completed', intervalMs: 100 },
    );
    const elapsed = Date.now() - started;
    console.log(
      `broadcast: ${expected} users fanned out in ${elapsed} ms (${Math.round((expected / elapsed) * 1000)} users/s)`,
    );
    expect(progress).toMatchObject({ usersProcessed: expected, notificationsCreated: expected });
    expect(progress.deliveries.inApp).toEqual({
      queued: 0,
      sent: expected - 1 - inAppOffBefore,
      failed: 0,
      skipped: 1 + inAppOffBefore,
    });
    expect(progress.deliveries.email.skipped).toBe(expected - 1 - emailOnBefore);
    expect(progress.deliveries.email.queued + progress.deliveries.email.sent).toBe(
      1 + emailOnBefore,
    );
    // Only users with a device and announcement push on get a push job; the rest are skipped.
    const [{ withDevices }] = await db().query(
      `SELECT count(DISTINCT d.user_id)::int AS "withDevices"
         FROM push_devices d JOIN users u ON u.id = d.user_id
         LEFT JOIN notification_preferences p ON p.user_id = d.user_id
        WHERE u.status = 'active' AND u.deleted_at IS NULL
          AND p.channels -> 'marketing' ->> 'push' IS DISTINCT FROM 'false'`,
    );
    expect(progress.deliveries.push.skipped).toBe(expected - withDevices);
    const push = progress.deliveries.push;
    expect(push.queued + push.sent + push.failed).toBe(withDevices);
    await inbox.waitForMail(
      (m) => m.to.includes(optIn.email.toLowerCase()) && m.subject === 'Maintenance tonight',
    );
    expect(await inboxIds(noInApp)).toEqual([]);
    expect(await inboxIds(optIn)).toHaveLength(1);
    const [{ n }] = await db().query(
      `SELECT count(*)::int AS n FROM notifications WHERE broadcast_id = $1`,
      [res.body.id],
    );
    expect(n).toBe(expected);
  });
});
