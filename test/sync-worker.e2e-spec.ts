import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { getQueueToken } from '@nestjs/bull';
import type { INestApplicationContext } from '@nestjs/common';
import type { Queue } from 'bull';
import { QUEUES } from '../src/queue/queues.js';
import { SYNC_PURGE_JOB_ID } from '../src/sync/worker/sync-purge.scheduler.js';
import { createTestWorker } from './support/test-app.js';

describe('sync worker', () => {
  let workers: INestApplicationContext[];

  beforeAll(async () => {
    workers = [await createTestWorker(), await createTestWorker()];
  });
  afterAll(async () => {
    for (const worker of workers) await worker.close();
  });

  it('two workers schedule one repeatable purge (one run per tick across workers)', async () => {
    const queue = workers[0]?.get<Queue>(getQueueToken(QUEUES.sync.name), { strict: false });
    const purges = (await queue?.getRepeatableJobs())?.filter(
      (job) => job.name === QUEUES.sync.jobs.purge,
    );
    expect(purges).toEqual([expect.objectContaining({ id: SYNC_PURGE_JOB_ID, every: 3_600_000 })]);
  });
});
