import type { JobOptions } from 'bull';

/**
 * The backoff of retried jobs: exponential from the job's base delay, unless the error says when
 * to retry (`retryAfterMs`: e.g. when another worker's claim on the same work runs out).
 * Registered as a named Bull strategy so the retry the log announces is the one Bull schedules.
 */
export const RETRY_AFTER_BACKOFF = 'exponential-or-retry-after';

export interface RetryAfterBackoffOptions {
  /** First retry delay; doubles each attempt. */
  delay: number;
}

/** An error that knows when retrying can succeed. */
export interface RetryAfterHint {
  retryAfterMs: number;
}

/** Delay before the next try, after `attemptsMade` tries (the failing one included). */
export function retryDelayMs(attemptsMade: number, error: unknown, baseDelayMs: number): number {
  const hinted = (error as Partial<RetryAfterHint> | null)?.retryAfterMs;
  if (typeof hinted === 'number' && Number.isFinite(hinted) && hinted >= 0) {
    return Math.ceil(hinted);
  }
  return Math.round((2 ** attemptsMade - 1) * baseDelayMs);
}

/** The delay Bull will apply after `attemptsMade` tries, for a job's `backoff` option. */
export function plannedRetryDelayMs(
  backoff: JobOptions['backoff'],
  attemptsMade: number,
  error: unknown,
): number {
  if (backoff === undefined) return 0;
  if (typeof backoff === 'number') return backoff;
  const options = backoff.options as Partial<RetryAfterBackoffOptions> | undefined;
  if (backoff.type === RETRY_AFTER_BACKOFF) {
    return retryDelayMs(attemptsMade, error, options?.delay ?? 1000);
  }
  if (backoff.type === 'exponential') return retryDelayMs(attemptsMade, null, backoff.delay ?? 0);
  return backoff.delay ?? 0;
}

/** For Bull's `settings.backoffStrategies`. */
export const backoffStrategies = {
  [RETRY_AFTER_BACKOFF]: (
    attemptsMade: number,
    error: unknown,
    options: RetryAfterBackoffOptions | null,
  ): number => retryDelayMs(attemptsMade, error, options?.delay ?? 1000),
};
