import { QUEUES } from '../../queue/queues.js';
import { repeatableJobScheduler } from '../../queue/repeatable.js';

export const RECONCILE_JOB_ID = 'payments-reconcile';

/** The reconciliation, once per PAYMENTS_RECONCILE_EVERY_MS across all workers. */
export const ReconciliationScheduler = repeatableJobScheduler({
  queue: QUEUES.payments.name,
  name: QUEUES.payments.jobs.reconcile,
  jobId: RECONCILE_JOB_ID,
  everyMs: (config) => config.payments.reconcileEveryMs,
});
