import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { getQueueToken } from '@nestjs/bull';
import type { INestApplicationContext } from '@nestjs/common';
import type { Job, Queue } from 'bull';
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { freePort } from '../src/common/free-port.js';
import { startWorkerHealthServer } from '../src/health/worker-health.server.js';
import { OutboxConsumers } from '../src/outbox/outbox-consumers.js';
import type { OutboxMessage } from '../src/outbox/outbox.types.js';
import { QUEUES } from '../src/queue/queues.js';
import { createTestWorker } from './support/test-app.js';
import { waitFor } from './support/wait.js';

/**
 * The worker's queue and job metrics, scraped from its health port as Prometheus does: queue
 * depths by state, and how long its jobs ran and how they ended.
 */
const TOKEN = 'worker-metrics-token-0123456789';

describe('worker metrics', () => {
  let worker: INestApplicationContext;
  let server: Server;
  let port: number;
  let queue: Queue;
  const added: Job[] = [];
  const okType = `test.metrics-ok.${randomUUID()}`;
  const badType = `test.metrics-bad.${randomUUID()}`;

  beforeAll(async () => {
    worker = await createTestWorker({ METRICS_TOKEN: TOKEN });
    worker.get(OutboxConsumers).register(okType, 'metrics-test', async () => undefined);
    worker.get(OutboxConsumers).register(badType, 'metrics-test', async () => {
      throw new Error('this consumer always fails');
    });
    port = await freePort();
    server = await startWorkerHealthServer(worker, port);
    queue = worker.get<Queue>(getQueueToken(QUEUES.outbox.name), { strict: false });
  });

  afterAll(async () => {
    // Failed jobs stay in Redis (removeOnFail: false): leave none behind for the next file.
    await Promise.all(added.map((job) => job.remove().catch(() => undefined)));
    server?.close();
    await worker?.close();
  });

  const scrape = async (authorization = `Bearer ${TOKEN}`) => {
    const res = await fetch(`http://127.0.0.1:${port}/metrics`, {
      headers: { Authorization: authorization },
    });
    return { status: res.status, text: await res.text() };
  };
  const count = (text: string, outcome: string): number => {
    const line = new RegExp(
      `^queue_job_duration_seconds_count\\{queue="outbox",job="deliver",outcome="${outcome}"\\} (\\d+)$`,
      'm',
    ).exec(text);
    return line ? Number(line[1]) : 0;
  };
  const message = (type: string): OutboxMessage => ({
    id: randomUUID(),
    type,
    payload: {},
    createdAt: new Date().toISOString(),
  });

  it('still answers its health checks beside /metrics', async () => {
    expect((await fetch(`http://127.0.0.1:${port}/health/live`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${port}/health/ready`)).status).toBe(200);
  });

  it('refuses a scrape without the token', async () => {
    const refused = await scrape('Bearer wrong-token-0123456789');
    expect(refused.status).toBe(401);
    expect(refused.text).toBe('');
  });

  it('counts completed, retried and failed jobs with their run time', async () => {
    const before = await scrape();
    expect(before.status).toBe(200);
    const start = {
      completed: count(before.text, 'completed'),
      retrying: count(before.text, 'retrying'),
      failed: count(before.text, 'failed'),
    };
    const deliver = QUEUES.outbox.jobs.deliver;
    for (let i = 0; i < 5; i++)
      added.push(await queue.add(deliver, message(okType), { attempts: 1 }));
    added.push(await queue.add(deliver, message(badType), { attempts: 1 }));
    added.push(await queue.add(deliver, message(badType), { attempts: 2, backoff: 10 }));

    const after = await waitFor(
      async () => {
        const { text } = await scrape();
        return count(text, 'failed') >= start.failed + 2 &&
          count(text, 'completed') >= start.completed + 5
          ? text
          : null;
      },
      { what: 'the jobs to be counted' },
    );
    expect(count(after, 'completed') - start.completed).toBe(5);
    expect(count(after, 'retrying') - start.retrying).toBe(1);
    expect(count(after, 'failed') - start.failed).toBe(2);
    expect(after).toMatch(
      /^queue_job_duration_seconds_bucket\{le="\+Inf",queue="outbox",job="deliver",outcome="completed"\} \d+$/m,
    );
    expect(after).toContain('# TYPE queue_jobs_stalled_total counter');
  });

  it('reports queue depths by state, read from Redis at scrape time', async () => {
    const { text } = await scrape();
    for (const name of Object.values(QUEUES).map((q) => q.name)) {
      for (const state of ['waiting', 'active', 'failed', 'delayed'])
        expect(text).toMatch(
          new RegExp(`^queue_jobs\\{queue="${name}",state="${state}"\\} \\d+$`, 'm'),
        );
    }
    const failed = Number(/^queue_jobs\{queue="outbox",state="failed"\} (\d+)$/m.exec(text)![1]);
    expect(failed).toBeGreaterThanOrEqual(2);
    expect(text).toContain('process_resident_memory_bytes');
  });
});
