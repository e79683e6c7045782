import { QUEUES } from '../../queue/queues.js';
import { repeatableJobScheduler } from '../../queue/repeatable.js';

export const SYNC_PURGE_JOB_ID = 'sync-purge';

/** The purge of expired tombstones and mutation results, once per SYNC_PURGE_EVERY_MS. */
export const SyncPurgeScheduler = repeatableJobScheduler({
  queue: QUEUES.sync.name,
  name: QUEUES.sync.jobs.purge,
  jobId: SYNC_PURGE_JOB_ID,
  everyMs: (config) => config.sync.purgeEveryMs,
});
