import type { JobOptions } from 'bull';

/**
 * Retries with exponential backoff; completed jobs are trimmed (by age and count) so Redis does
 * not grow without bound; failed jobs are kept for inspection.
 */
export const defaultJobOptions: JobOptions = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  removeOnFail: false,
};
