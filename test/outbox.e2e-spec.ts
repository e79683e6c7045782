import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { getQueueToken } from '@nestjs/bull';
import type { INestApplicationContext } from '@nestjs/common';
import type { Queue } from 'bull';
import { DataSource } from 'typeorm';
import { OutboxConsumers } from '../src/outbox/outbox-consumers.js';
import { OutboxRelay } from '../src/outbox/outbox-relay.js';
import { OutboxService } from '../src/outbox/outbox.service.js';
import { signBody } from '../src/payments/providers/webhook-signature.js';
import type { OutboxMessage } from '../src/outbox/outbox.types.js';
import { QUEUES } from '../src/queue/queues.js';
import { startLocalRedis, type LocalRedis } from '../src/redis/local-redis.js';
import { insertOutboxEvent } from './support/factories.js';
import { webhookEventStatuses } from './support/rows.js';
import { createTestApp, createTestWorker, type TestApp } from './support/test-app.js';
import { waitFor } from './support/wait.js';

/** A consumer that records every delivery it receives, by event id. */
function recorder(...apps: INestApplicationContext[]) {
  const seen = new Map<string, number>();
  const type = `test.${randomUUID()}`;
  for (const app of apps) {
    app.get(OutboxConsumers).register(type, 'recorder', async (m: OutboxMessage) => {
      seen.set(m.id, (seen.get(m.id) ?? 0) + 1);
    });
  }
  return { type, seen };
}

async function publish(app: INestApplicationContext, type: string, count = 1): Promise<string[]> {
  const outbox = app.get(OutboxService);
  return app
    .get(DataSource)
    .transaction((manager) =>
      outbox.publish(
        manager,
        ...Array.from({ length: count }, (_, i) => ({ type, payload: { i } })),
      ),
    );
}

async function unsent(app: INestApplicationContext, ids: string[]): Promise<number> {
  const [row] = await app
    .get(DataSource)
    .query(
      'SELECT count(*)::int AS n FROM outbox_events WHERE id = ANY($1::uuid[]) AND sent_at IS NULL',
      [ids],
    );
  return row.n;
}

/** No outbox job waiting, running or delayed, but for the next tick of each repeatable job. */
async function queueIdle(app: INestApplicationContext): Promise<boolean> {
  const queue = app.get<Queue>(getQueueToken(QUEUES.outbox.name));
  const counts = await queue.getJobCounts();
  const ticks = await queue.getRepeatableCount();
  return counts.waiting + counts.active + Math.max(0, counts.delayed - ticks) === 0;
}

describe('transactional outbox', () => {
  const apps: Array<{ close(): Promise<void> }> = [];
  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close();
  });

  it('delivers a committed event exactly once', async () => {
    const t = await createTestApp();
    apps.push(t);
    const { type, seen } = recorder(t.app);
    const [id] = await publish(t.app, type);
    await waitFor(() => seen.get(id), { what: 'delivery' });
    await waitFor(() => queueIdle(t.app), { what: 'idle queue' });
    expect(seen.get(id)).toBe(1);
    // The relay marks the row sent in its own commit, which can land after the job ran.
    await waitFor(async () => (await unsent(t.app, [id])) === 0, { what: 'row marked sent' });
  });

  it('publishes nothing from a rolled back transaction', async () => {
    const t = await createTestApp();
    apps.push(t);
    const { type, seen } = recorder(t.app);
    const outbox = t.app.get(OutboxService);
    const rolledBack = t.app.get(DataSource).transaction(async (manager) => {
      await outbox.publish(manager, { type, payload: { doomed: true } });
      throw new Error('business rule failed');
    });
    await expect(rolledBack).rejects.toThrow('business rule failed');
    const [marker] = await publish(t.app, type);
    await waitFor(() => seen.get(marker), { what: 'marker delivery' });
    expect([...seen.keys()]).toEqual([marker]);
    const [row] = await t.app
      .get(DataSource)
      .query(`SELECT count(*)::int AS n FROM outbox_events WHERE type = $1`, [type]);
    expect(row.n).toBe(1);
  });

  it('prunes sent events past their retention, never unsent ones', async () => {
    const t = await createTestApp({ OUTBOX_RETENTION_HOURS: '72' });
    apps.push(t);
    const db = t.app.get(DataSource);
    const type = `test.prune.${randomUUID()}`;
    const ids = [randomUUID(), randomUUID(), randomUUID()] as const;
    const old = { createdHoursAgo: 80 };
    await insertOutboxEvent(t.app, { id: ids[0], type, ...old, sentHoursAgo: 73 });
    await insertOutboxEvent(t.app, { id: ids[1], type, ...old, sentHoursAgo: 71 });
    await insertOutboxEvent(t.app, {
      id: ids[2],
      type: `${type}.nobody`,
      ...old,
      sentHoursAgo: null,
    });
    // The third stays unsent only until the relay takes it; prune must not delete it first.
    await t.app.get(OutboxRelay).prune();
    const left: Array<{ id: string }> = await db.query(
      'SELECT id FROM outbox_events WHERE id = ANY($1::uuid[]) ORDER BY created_at',
      [ids],
    );
    expect(left.map((r) => r.id).sort()).toEqual([ids[1], ids[2]].sort());
  });

  it('refuses to publish outside a transaction', async () => {
    const t = await createTestApp();
    apps.push(t);
    await expect(
      t.app.get(OutboxService).publish(t.app.get(DataSource).manager, { type: 'x', payload: {} }),
    ).rejects.toThrow(/open transaction/);
  });

  it('never enqueues the same event twice with two relays running at once', async () => {
    const t = await createTestApp();
    const worker = await createTestWorker();
    apps.push(t, worker);
    const { type, seen } = recorder(t.app, worker);
    const relayed = () => t.app.get(OutboxRelay).enqueued + worker.get(OutboxRelay).enqueued;
    const before = relayed();
    const batches = await Promise.all(Array.from({ length: 10 }, () => publish(t.app, type, 30)));
    const ids = batches.flat();
    await waitFor(() => ids.every((id) => seen.has(id)), {
      what: '300 deliveries',
      timeoutMs: 20_000,
    });
    // A relay counts its rows after its commit, which can come after the jobs already ran.
    await waitFor(() => relayed() - before >= 300, { what: '300 relayed' });
    await waitFor(() => queueIdle(t.app), { what: 'idle queue' });
    expect(relayed() - before).toBe(300);
    expect([...seen.values()].every((n) => n === 1)).toBe(true);
    const [row] = await t.app
      .get(DataSource)
      .query(
        `SELECT min(attempts)::int AS min, max(attempts)::int AS max FROM outbox_events WHERE id = ANY($1::uuid[])`,
        [ids],
      );
    expect(row).toEqual({ min: 1, max: 1 });
  });
});

describe('with Redis down', () => {
  let redis: LocalRedis;
  let t: TestApp;
  const dir = join(process.env.TEST_SCRATCH_DIR ?? '/tmp', `redis-${randomUUID()}`);

  beforeAll(async () => {
    redis = await startLocalRedis(dir);
    t = await createTestApp({ REDIS_URL: redis.url, QUEUE_PREFIX: `down-${randomUUID()}` });
  });
  // Known issue: after a Redis restart, Bull's close() of the notifications queue can stall for
  // about 60 s (its clients stay "ready" while `closing` is set); the other queues close at once.
  afterAll(async () => {
    await t.close();
    await redis.stop();
  }, 90_000);

  it('keeps committed events, turns readiness 503, and delivers exactly once when Redis returns', async () => {
    const { type, seen } = recorder(t.app);
    await redis.stop();
    await waitFor(async () => (await t.http.get('/health/ready')).status === 503, {
      what: 'ready 503',
    });
    const ready = await t.http.get('/health/ready');
    expect(ready.body.error?.redis ?? ready.body.details?.redis).toMatchObject({ status: 'down' });

    const ids = await publish(t.app, type, 3);
    // Several relay cycles pass while Redis is down; the rows stay unsent.
    await waitFor(async () => (await t.app.get(DataSource).query('SELECT 1')).length === 1);
    expect(await unsent(t.app, ids)).toBe(3);
    expect(seen.size).toBe(0);

    redis = await startLocalRedis(dir, { port: redis.port });
    await waitFor(() => ids.every((id) => seen.has(id)), {
      what: 'delivery after restart',
      timeoutMs: 20_000,
    });
    await waitFor(() => queueIdle(t.app), { what: 'idle queue' });
    expect(ids.map((id) => seen.get(id))).toEqual([1, 1, 1]);
    await waitFor(async () => (await t.http.get('/health/ready')).status === 200, {
      what: 'ready 200',
    });
  });

  it('answers and stores a signed payment webhook while Redis is down (reconciliation takes it)', async () => {
    await redis.stop();
    await waitFor(async () => (await t.http.get('/health/ready')).status === 503, {
      what: 'ready 503',
    });
    const eventId = `evt_${randomUUID()}`;
    const body = JSON.stringify({
      id: eventId,
      type: 'payment_intent.succeeded',
      created: Math.floor(Date.now() / 1000),
      data: { object: { id: `pi_${randomUUID()}`, object: 'payment_intent', status: 'succeeded' } },
    });
    const signature = signBody(
      body,
      t.config.payments.sandbox.webhookSecret,
      Math.floor(Date.now() / 1000),
    );
    // Before the fix the enqueue waited in ioredis's offline queue until Redis came back.
    const res = await t.http
      .post('/api/v1/payments/webhooks/sandbox')
      .set('Content-Type', 'application/json')
      .set('Stripe-Signature', signature)
      .timeout(10_000)
      .send(body);
    expect(res.status).toBe(200);
    expect(await webhookEventStatuses(t.app, eventId)).toEqual(['pending']);

    redis = await startLocalRedis(dir, { port: redis.port });
    await waitFor(async () => (await t.http.get('/health/ready')).status === 200, {
      what: 'ready 200',
    });
  });
});
