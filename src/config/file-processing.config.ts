import { int, type EnvOf } from './env.helpers.js';

/** Variables of the files module's worker: image processing and the pending-upload sweeper. */
export const fileProcessingEnv = {
  /**
   * Largest decoded image (width × height, every frame) the worker accepts: a tiny PNG can
   * declare 50,000 × 50,000 pixels and ask for 10 GB. 50 M keeps 48-megapixel phone photos.
   */
  FILES_MAX_INPUT_PIXELS: int(1, 1_000_000_000).default(50_000_000),
  /**
   * Images one worker processes at once. Each holds its file's row lock (a pooled connection)
   * and libvips threads while it runs: a few keep the cores busy without starving the pool.
   */
  FILES_PROCESSING_CONCURRENCY: int(1, 32).default(2),
  /** Uploads created but never completed are deleted (row and object) after this long. */
  FILES_PENDING_TTL_HOURS: int(1, 24 * 30).default(24),
  /** How often the sweeper runs (one run per tick across all workers). */
  FILES_SWEEP_EVERY_MS: int(1_000, 24 * 3_600_000).default(15 * 60_000),
};

export function fileProcessingConfig(env: EnvOf<typeof fileProcessingEnv>) {
  return {
    maxInputPixels: env.FILES_MAX_INPUT_PIXELS,
    processingConcurrency: env.FILES_PROCESSING_CONCURRENCY,
    pendingTtlMs: env.FILES_PENDING_TTL_HOURS * 3_600_000,
    sweepEveryMs: env.FILES_SWEEP_EVERY_MS,
  };
}
export type FileProcessingConfig = ReturnType<typeof fileProcessingConfig>;
