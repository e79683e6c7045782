import { QUEUES } from '../../queue/queues.js';
import { repeatableJobScheduler } from '../../queue/repeatable.js';

export const SWEEP_PENDING_JOB_ID = 'files-sweep-pending';

/** The sweep of abandoned pending uploads, once per FILES_SWEEP_EVERY_MS across all workers. */
export const PendingSweepScheduler = repeatableJobScheduler({
  queue: QUEUES.files.name,
  name: QUEUES.files.jobs.sweepPending,
  jobId: SWEEP_PENDING_JOB_ID,
  everyMs: (config) => config.fileProcessing.sweepEveryMs,
});
