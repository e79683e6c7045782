import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { getQueueToken } from '@nestjs/bull';
import type { INestApplicationContext } from '@nestjs/common';
import type { Queue } from 'bull';
import { pino } from 'pino';
import { DataSource } from 'typeorm';
import { createWorkerApp } from '../src/bootstrap/worker-app.js';
import { loadConfigFromEnv } from '../src/config/index.js';
import { QUEUES } from '../src/queue/queues.js';
import { Redis } from 'ioredis';
import { startLocalRedis, type LocalRedis } from '../src/redis/local-redis.js';
import {
  startWorkerProcess,
  type LogLine,
  type WorkerProcess,
} from './support/child/worker-process.js';
import { insertUser } from './support/factories.js';
import { notify } from './support/notifications.js';
import { SmtpInbox } from './support/smtp.js';
import { createTestApp, type TestApp } from './support/test-app.js';
import { waitFor } from './support/wait.js';

// Each child worker boots in 10–25 s on a busy 2-core machine (SWC compiles the app on load).
jest.setTimeout(180_000);

/** Short lease and stall detection, so a takeover is due within about two seconds. */
const FAST_TAKEOVER = {
  NOTIFICATIONS_SEND_LEASE_MS: '1000',
  QUEUE_LOCK_MS: '1000',
  QUEUE_STALLED_INTERVAL_MS: '500',
  NOTIFICATIONS_BACKOFF_MS: '100',
};
/** The test's own bound on a takeover (lock + stall interval + lease, with room for a busy CI). */
const TAKEOVER_BOUND_MS = 20_000;

interface DeliveryState {
  id: string;
  status: string;
  user_email: string;
}

async function emailDeliveries(app: INestApplicationContext, keys: string[]) {
  const rows: DeliveryState[] = await app.get(DataSource).query(
    `SELECT d.id, d.status, u.email AS user_email
       FROM notification_deliveries d
       JOIN notifications n ON n.id = d.notification_id JOIN users u ON u.id = n.user_id
      WHERE d.channel = 'email' AND n.idempotency_key = ANY($1::text[])`,
    [keys],
  );
  return rows;
}

/** Welcome mails to `count` new users; returns their idempotency keys. */
async function welcome(t: TestApp, count: number): Promise<string[]> {
  const keys: string[] = [];
  for (let i = 0; i < count; i++) {
    const user = await insertUser(t.app);
    const key = `welcome:${randomUUID()}`;
    keys.push(key);
    await notify(t.app, {
      userId: user.id,
      type: 'account.welcome',
      data: { displayName: 'Ann' },
      idempotencyKey: key,
    });
  }
  return keys;
}

describe('notification worker under faults', () => {
  let inbox: SmtpInbox;
  let api: TestApp;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    inbox = await SmtpInbox.start();
    // Only the api role in this process: the workers are the child processes below.
    api = await createTestApp({ APP_ROLE: 'api' });
  });
  afterAll(async () => {
    for (const w of workers) w.kill('SIGKILL');
    await api.close();
    await inbox.stop();
  });

  async function worker(env: Record<string, string> = {}): Promise<WorkerProcess> {
    const w = await startWorkerProcess({
      SMTP_URL: inbox.url,
      MAIL_FROM: 'App <no-reply@app.example>',
      ...FAST_TAKEOVER,
      ...env,
    });
    workers.push(w);
    return w;
  }

  it('takes over a killed worker’s sends within the bound; one mail per recorded send', async () => {
    const first = await worker({ NOTIFICATIONS_CONCURRENCY: '3' });
    const sentFirst = await welcome(api, 4);
    await waitFor(async () => {
      const rows = await emailDeliveries(api.app, sentFirst);
      return rows.length === 4 && rows.every((d) => d.status === 'sent');
    });

    // The relay now holds each mail it receives without acknowledging it.
    inbox.holdReplies();
    const inFlight = await welcome(api, 6);
    await waitFor(() => inbox.holding >= 3, { what: 'three mails held by the relay' });
    first.kill('SIGKILL');
    await first.exited;
    const recorded = (await emailDeliveries(api.app, [...sentFirst, ...inFlight]))
      .filter((d) => d.status === 'sent')
      .map((d) => d.id);
    // The held mails are delivered by the relay although their sender is gone.
    inbox.releaseReplies();

    await worker();
    const all = await waitFor(
      async () => {
        const rows = await emailDeliveries(api.app, [...sentFirst, ...inFlight]);
        return rows.length === 10 && rows.every((d) => d.status === 'sent') ? rows : null;
      },
      { timeoutMs: TAKEOVER_BOUND_MS, what: 'every delivery sent after the takeover' },
    );

    const copies = (id: string) =>
      inbox.mails.filter((m) => m.messageId === `<${id}@app.example>`).length;
    expect(recorded.length).toBeGreaterThanOrEqual(4);
    for (const id of recorded) expect(copies(id)).toBe(1);
    // Sends in flight at the kill are at least once: the relay had them, nobody had recorded it.
    for (const d of all) {
      expect(copies(d.id)).toBeGreaterThanOrEqual(1);
      expect(copies(d.id)).toBeLessThanOrEqual(2);
    }
  });

  it('lets a job in flight at SIGTERM finish and record its send, then exits 0', async () => {
    // Only this worker may take the job.
    for (const earlier of workers) earlier.kill('SIGKILL');
    await Promise.all(workers.map((earlier) => earlier.exited));
    const w = await worker();
    inbox.holdReplies();
    const [key] = await welcome(api, 1);
    await waitFor(() => inbox.holding >= 1, { what: 'the mail held by the relay' });
    w.kill('SIGTERM');
    await w.waitForLog((l) => l.msg === 'shutting down', 'shutting down');
    inbox.releaseReplies();
    expect(await w.exited).toEqual({ code: 0, signal: null });
    const [delivery] = await emailDeliveries(api.app, [key!]);
    expect(delivery?.status).toBe('sent');
    expect(inbox.mails.filter((m) => m.messageId === `<${delivery!.id}@app.example>`)).toHaveLength(
      1,
    );
  });
});

describe('delivery claims and retry logs (in-process worker)', () => {
  let inbox: SmtpInbox;
  let api: TestApp;
  let worker: INestApplicationContext;
  const logged: LogLine[] = [];

  beforeAll(async () => {
    inbox = await SmtpInbox.start();
    api = await createTestApp({ APP_ROLE: 'api' });
    const config = loadConfigFromEnv({
      APP_ROLE: 'worker',
      SMTP_URL: inbox.url,
      MAIL_FROM: 'App <no-reply@app.example>',
      ...FAST_TAKEOVER,
    });
    // pino's output captured line by line, as it would be written.
    const capture = { write: (line: string) => void logged.push(JSON.parse(line) as LogLine) };
    worker = await createWorkerApp(config, pino({ level: 'warn' }, capture));
  });
  afterAll(async () => {
    await worker.close();
    await api.close();
    await inbox.stop();
  });

  const queue = () => worker.get<Queue>(getQueueToken(QUEUES.notifications.name));

  it('logs each retry once at warn: delivery, attempt, next attempt time, code; no address', async () => {
    inbox.failNext(1, { stage: 'data', code: 451, message: 'Try again later' });
    const [key] = await welcome(api, 1);
    await waitFor(async () => (await emailDeliveries(api.app, [key!]))[0]?.status === 'sent');
    const [delivery] = await emailDeliveries(api.app, [key!]);
    const retries = logged.filter(
      (l) => l.msg === 'delivery will be retried' && l.deliveryId === delivery!.id,
    );
    expect(retries).toHaveLength(1);
    expect(retries[0]).toMatchObject({
      level: 40,
      attempt: 1,
      code: 'EMESSAGE',
      responseCode: 451,
      nextAttemptAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    const text = JSON.stringify(logged);
    expect(text).not.toContain(delivery!.user_email);
    expect(text).not.toContain('Try again later');
  });

  it('keeps a send that outlasts its lease claimed: a duplicate job waits, one mail', async () => {
    inbox.holdReplies();
    const [key] = await welcome(api, 1);
    await waitFor(() => inbox.holding >= 1, { what: 'the mail held by the relay' });
    const [delivery] = await emailDeliveries(api.app, [key!]);
    // A second job for the same delivery, as after a stalled-job recovery racing the original.
    await queue().add(
      QUEUES.notifications.jobs.deliver,
      { deliveryId: delivery!.id },
      { jobId: `dup-${delivery!.id}`, attempts: 20, backoff: { type: 'fixed', delay: 300 } },
    );
    // Five busy tries span more than the 1 s lease: it was renewed while the send ran.
    const busy = await waitFor(
      () => {
        const lines = logged.filter(
          (l) => l.deliveryId === delivery!.id && l.code === 'DELIVERY_BUSY',
        );
        return lines.length >= 5 ? lines : null;
      },
      { what: 'the duplicate job finding the delivery busy five times' },
    );
    expect(busy[0]).toMatchObject({ level: 40, attempt: 1, msg: 'delivery will be retried' });
    inbox.releaseReplies();
    await waitFor(async () => (await queue().getJob(`dup-${delivery!.id}`))?.isCompleted());
    expect(inbox.mails.filter((m) => m.messageId === `<${delivery!.id}@app.example>`)).toHaveLength(
      1,
    );
  });
});

describe('worker shutdown after a Redis outage', () => {
  const scratch = () => join(process.env.TEST_SCRATCH_DIR!, `redis-${randomUUID()}`);

  /** A worker on a private redis-server of its own, with a short queue-close bound. */
  async function workerOn(
    redis: LocalRedis,
    env: Record<string, string> = {},
  ): Promise<WorkerProcess> {
    return startWorkerProcess({
      ...env,
      REDIS_URL: redis.url,
      // Its own prefix: this worker must not take jobs of the run's other workers.
      QUEUE_PREFIX: `outage-${randomUUID().slice(0, 8)}`,
      QUEUE_CLOSE_TIMEOUT_MS: '2000',
      SHUTDOWN_TIMEOUT_MS: '15000',
    });
  }

  it('closes and exits 0 after Redis was restarted', async () => {
    const redis = await startLocalRedis(scratch());
    let restarted = redis;
    try {
      const w = await workerOn(redis);
      await redis.stop();
      restarted = await startLocalRedis(scratch(), { port: redis.port });
      // Reconnected: its blocking BRPOPLPUSH waits on the new server again.
      await waitFor(
        async () => {
          const c = new Redis(restarted.url, { lazyConnect: true });
          try {
            await c.connect();
            return String(await c.client('LIST')).includes('cmd=brpoplpush');
          } finally {
            c.disconnect();
          }
        },
        { what: 'the worker back on the restarted Redis', timeoutMs: 20_000 },
      );
      w.kill('SIGTERM');
      // Bounded by the harness: a stall ends in the worker's own shutdown timeout (exit 1).
      expect(await w.exited).toEqual({ code: 0, signal: null });
    } finally {
      await restarted.stop();
    }
  });

  it('closes within its bound when Redis dies under a job in flight, and exits 0', async () => {
    const inbox = await SmtpInbox.start();
    const api = await createTestApp({ APP_ROLE: 'api' });
    const redis = await startLocalRedis(scratch());
    try {
      const w = await workerOn(redis, { SMTP_URL: inbox.url, MAIL_FROM: 'no-reply@app.example' });
      inbox.holdReplies();
      const [key] = await welcome(api, 1);
      await waitFor(() => inbox.holding >= 1, { what: 'the mail held by the relay' });
      // The job is active and cannot finish (its relay and then Redis do not answer).
      await redis.stop();
      w.kill('SIGTERM');
      // Unbounded, Bull's close waits for the job and ends in the 15 s shutdown timeout: exit 1.
      expect(await w.exited).toEqual({ code: 0, signal: null });
      // Left claimed, for another worker to take over once the lease ends.
      const [delivery] = await emailDeliveries(api.app, [key!]);
      expect(delivery?.status).toBe('sending');
    } finally {
      await api.close();
      await inbox.stop();
    }
  });
});
