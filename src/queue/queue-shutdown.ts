import { getQueueToken } from '@nestjs/bull';
import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Queue } from 'bull';
import { withTimeout } from '../common/with-timeout.js';
import { APP_CONFIG, type AppConfig } from '../config/index.js';
import { QUEUES } from './queues.js';

const logger = new Logger('QueueShutdown');
const closing = new WeakMap<Queue, Promise<void>>();

/** Grace for Bull's own close to settle once its connections are dropped. */
const AFTER_DISCONNECT_MS = 500;

/**
 * Closes `queue` (stop taking jobs, let the active ones finish, disconnect), but gives up after
 * `timeoutMs` and drops its Redis connections. Bull's close() waits for every active job without
 * a bound, and a job cannot finish while Redis is gone (its completion is a Redis command, queued
 * until the connection returns), so after a Redis outage it outlasted any shutdown budget. A job
 * still running when the bound passes is recovered by another worker once its lock runs out
 * (stalled job), and its work is guarded by the job's own claims. Idempotent: one close per queue.
 */
export function closeQueueWithin(queue: Queue, timeoutMs: number): Promise<void> {
  let closed = closing.get(queue);
  if (!closed) {
    closed = boundedClose(queue, timeoutMs);
    closing.set(queue, closed);
  }
  return closed;
}

async function boundedClose(queue: Queue, timeoutMs: number): Promise<void> {
  const close = queue.close().catch(() => undefined);
  if (await settles(close, timeoutMs)) return;
  logger.warn(
    { queue: queue.name, timeoutMs },
    'queue did not close in time: dropping its Redis connections',
  );
  for (const client of queue.clients) client.disconnect();
  await settles(close, AFTER_DISCONNECT_MS);
}

function settles(promise: Promise<void>, ms: number): Promise<boolean> {
  return withTimeout(promise, ms, 'queue close').then(
    () => true,
    () => false,
  );
}

/**
 * Closes every queue, bounded (QUEUE_CLOSE_TIMEOUT_MS), before any module's shutdown hook runs:
 * active jobs finish while the database, SMTP pool and other connections they use are still
 * open. @nestjs/bull's own per-queue hook (unbounded close) is replaced by the bounded one.
 */
@Injectable()
export class QueueShutdown implements OnModuleInit, BeforeApplicationShutdown {
  private queues: Queue[] = [];

  constructor(
    private readonly moduleRef: ModuleRef,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    const timeoutMs = this.config.queue.closeTimeoutMs;
    this.queues = Object.values(QUEUES).map((q) =>
      this.moduleRef.get<Queue>(getQueueToken(q.name), { strict: false }),
    );
    for (const queue of this.queues) {
      Object.assign(queue, { onApplicationShutdown: () => closeQueueWithin(queue, timeoutMs) });
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    const timeoutMs = this.config.queue.closeTimeoutMs;
    await Promise.all(this.queues.map((queue) => closeQueueWithin(queue, timeoutMs)));
  }
}
