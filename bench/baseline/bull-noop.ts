/**
 * The bare Bull baseline for queue-drain: a no-op processor for job `deliver` on queue `outbox`
 * under its own prefix, at the app's concurrency. Env: REDIS_URL QUEUE_PREFIX CONCURRENCY.
 */
import Bull from 'bull';

const queue = new Bull('outbox', process.env.REDIS_URL as string, {
  prefix: process.env.QUEUE_PREFIX,
  redis: { maxRetriesPerRequest: null, enableReadyCheck: false },
});
void queue.process('deliver', Number(process.env.CONCURRENCY ?? 10), async () => undefined);
process.stdout.write('ready\n');
const stop = () => void queue.close().finally(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
