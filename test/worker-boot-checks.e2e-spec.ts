import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { getQueueToken } from '@nestjs/bull';
import type { INestApplicationContext } from '@nestjs/common';
import type { Queue } from 'bull';
import { assertWorkerHandlers } from '../src/bootstrap/worker-app.js';
import { missingHandlers } from '../src/queue/job-handlers.check.js';
import { REDIS_MISSING_HELP, startLocalRedis } from '../src/redis/local-redis.js';
import { QUEUES } from '../src/queue/queues.js';
import { createTestWorker } from './support/test-app.js';

describe('worker boot checks', () => {
  let worker: INestApplicationContext;
  beforeAll(async () => {
    worker = await createTestWorker();
  });
  afterAll(() => worker.close());

  it('boots a worker only when every job name has a handler', async () => {
    expect(() => assertWorkerHandlers(worker)).not.toThrow();
    // A job name added to QUEUES without a processor: the check names it.
    const outbox = worker.get<Queue>(getQueueToken(QUEUES.outbox.name), { strict: false });
    const expected = new Map([[QUEUES.outbox.name, [QUEUES.outbox.jobs.deliver, 'orphan']]]);
    expect(missingHandlers([outbox], expected)).toEqual(['outbox:orphan']);
  });

  it('says exactly how to get redis-server when it is not on PATH', async () => {
    const dir = `${process.env.TEST_SCRATCH_DIR}/no-redis`;
    await expect(startLocalRedis(dir, { binary: 'redis-server-not-installed' })).rejects.toThrow(
      REDIS_MISSING_HELP,
    );
    expect(REDIS_MISSING_HELP).toMatch(
      /apt-get install redis-server.*brew install redis.*REDIS_URL/s,
    );
  });
});
