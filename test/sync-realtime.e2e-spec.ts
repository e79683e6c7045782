import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { signUp, type SignedUp } from './support/auth.js';
import { SseClient } from './support/sse.js';
import { createTestApp, type TestApp } from './support/test-app.js';

/**
 * Production shape: two api instances sharing only PostgreSQL and Redis. A write on one reaches
 * the user's streams on both, the writer's own included, as a `sync` event whose cursor is the
 * feed position after the change.
 */
describe('sync events on the real-time stream, across instances', () => {
  let apiA: TestApp;
  let apiB: TestApp;
  let baseA: string;
  let baseB: string;

  beforeAll(async () => {
    apiA = await createTestApp({ APP_ROLE: 'api' });
    apiB = await createTestApp({ APP_ROLE: 'api' });
    baseA = await listen(apiA);
    baseB = await listen(apiB);
  });
  afterAll(async () => {
    await apiA?.close();
    await apiB?.close();
  });

  it('announces a PUT on instance A to the streams on B and A; its cursor pulls the change', async () => {
    const user = await signUp(apiA);
    const onB = await openStream(apiA, user, baseB);
    const onA = await openStream(apiA, user, baseA);
    try {
      const before = await apiB.asUser(user).get('/api/v1/sync/changes').expect(200);
      const since: string = before.body.cursor;

      const put = await apiA
        .asUser(user)
        .put('/api/v1/sync/documents/notes/groceries')
        .send({ value: { items: ['milk'] } });
      expect([200, 201]).toContain(put.status);

      const [eventB, eventA] = await Promise.all([nextSync(onB), nextSync(onA)]);
      // A signal, not a log entry: no id, so Last-Event-ID stays on the notifications.
      expect(eventB.id).toBeNull();
      const { cursor } = JSON.parse(eventB.data) as { cursor: string };
      expect(JSON.parse(eventA.data)).toEqual({ cursor });

      const pulled = await apiB
        .asUser(user)
        .get('/api/v1/sync/changes')
        .query({ since })
        .expect(200);
      expect(pulled.body.changes).toEqual([
        expect.objectContaining({
          collection: 'notes',
          key: 'groceries',
          rev: 1,
          value: { items: ['milk'] },
          deleted: false,
        }),
      ]);
      expect(pulled.body.cursor).toBe(cursor);
      const after = await apiB
        .asUser(user)
        .get('/api/v1/sync/changes')
        .query({ since: cursor })
        .expect(200);
      expect(after.body.changes).toEqual([]);
    } finally {
      onA.close();
      onB.close();
    }
  });

  it('announces the newest cursor after a burst of concurrent writes on both instances', async () => {
    const user = await signUp(apiA);
    const onB = await openStream(apiA, user, baseB);
    try {
      await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          (i % 2 ? apiA : apiB)
            .asUser(user)
            .put(`/api/v1/sync/documents/burst/k${i}`)
            .send({ value: i })
            .expect((res) => expect([200, 201]).toContain(res.status)),
        ),
      );
      const feed = await apiA.asUser(user).get('/api/v1/sync/changes').expect(200);
      expect(feed.body.changes).toHaveLength(12);
      const newest: string = feed.body.cursor;
      // Events may be coalesced (fewer than 12) and arrive from both instances, but the newest
      // cursor is always announced.
      await onB.waitForEvent(
        (e) => e.event === 'sync' && JSON.parse(e.data).cursor === newest,
        'the newest cursor',
      );
      expect(onB.events.filter((e) => e.event === 'sync').length).toBeLessThanOrEqual(12);
    } finally {
      onB.close();
    }
  });

  it('announces nothing to another user', async () => {
    const [writer, other] = await Promise.all([signUp(apiA), signUp(apiA)]);
    const otherStream = await openStream(apiA, other, baseB);
    const writerStream = await openStream(apiA, writer, baseB);
    try {
      await apiA
        .asUser(writer)
        .put('/api/v1/sync/documents/notes/private')
        .send({ value: 'mine' })
        .expect((res) => expect([200, 201]).toContain(res.status));
      await nextSync(writerStream);
      // The writer's event came through the same subscriber: the other user's would have too.
      expect(otherStream.events.filter((e) => e.event === 'sync')).toEqual([]);
    } finally {
      otherStream.close();
      writerStream.close();
    }
  });
});

async function listen(t: TestApp): Promise<string> {
  await t.app.listen(0, '127.0.0.1');
  return `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
}

/** A stream of the user's session at `base`, live (its first unread count has arrived). */
async function openStream(issuer: TestApp, user: SignedUp, base: string): Promise<SseClient> {
  const ticket = await issuer.asUser(user).post('/api/v1/notifications/stream-ticket').expect(201);
  const stream = await SseClient.open(
    `${base}/api/v1/notifications/stream?ticket=${ticket.body.ticket}`,
  );
  expect(stream.status).toBe(200);
  await stream.waitForEvent((e) => e.event === 'unread-count');
  return stream;
}

function nextSync(stream: SseClient) {
  return stream.waitForEvent((e) => e.event === 'sync', 'a sync event');
}
