import { QUEUES } from '../queue/queues.js';
import { repeatableJobScheduler } from '../queue/repeatable.js';

export const OUTBOX_PRUNE_JOB_ID = 'outbox-prune';

/** Outbox pruning, once per OUTBOX_PRUNE_EVERY_MS across all workers (not once per relay). */
export const OutboxPruneScheduler = repeatableJobScheduler({
  queue: QUEUES.outbox.name,
  name: QUEUES.outbox.jobs.prune,
  jobId: OUTBOX_PRUNE_JOB_ID,
  everyMs: (config) => config.outbox.pruneEveryMs,
});
