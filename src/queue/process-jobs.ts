import { Logger } from '@nestjs/common';
import type { Job, Queue } from 'bull';

const logger = new Logger('QueueProcessor');

/**
 * Registers a handler for one job name with a concurrency from configuration (`@Process` takes
 * only a constant). Bull's process() promise settles only when the queue closes, so it is not
 * awaited; a failure to start is logged.
 */
export function processJobs<T>(
  queue: Queue,
  name: string,
  concurrency: number,
  handler: (job: Job<T>) => Promise<unknown>,
): void {
  queue.process(name, concurrency, handler).catch((error: unknown) => {
    logger.error({ err: error, queue: queue.name, job: name }, 'queue processor stopped');
  });
}
