import type { Queue } from 'bull';

/**
 * Bull keeps a queue's handlers in `handlers` (job name -> function) once a processor registers.
 * A job name without a handler would sit in Redis forever, so the worker refuses to boot.
 */
export function missingHandlers(queues: Queue[], expected: Map<string, string[]>): string[] {
  const missing: string[] = [];
  for (const queue of queues) {
    const handlers = (queue as unknown as { handlers?: Record<string, unknown> }).handlers ?? {};
    for (const job of expected.get(queue.name) ?? []) {
      if (!handlers[job]) missing.push(`${queue.name}:${job}`);
    }
  }
  return missing;
}
