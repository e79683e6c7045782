/**
 * Every Bull queue and job name, in one place.
 *
 * WARNING: these strings are stored in Redis with every queued job. Renaming one strands the jobs
 * already queued under the old name (nobody will process them). Add a new name, drain the old
 * one, then remove it.
 */
export const QUEUES = {
  outbox: { name: 'outbox', jobs: { deliver: 'deliver', prune: 'prune' } },
  notifications: {
    name: 'notifications',
    jobs: { deliver: 'deliver', broadcastBatch: 'broadcast-batch' },
  },
  payments: {
    name: 'payments',
    jobs: { processWebhook: 'process-webhook', reconcile: 'reconcile' },
  },
} as const;

/** Every job name a worker must be able to handle, per queue. */
export function expectedJobs(): Map<string, string[]> {
  return new Map(Object.values(QUEUES).map((q) => [q.name, Object.values(q.jobs) as string[]]));
}
