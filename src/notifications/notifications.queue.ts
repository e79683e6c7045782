import { InjectQueue } from '@nestjs/bull';
import { Inject, Injectable } from '@nestjs/common';
import type { JobOptions, Queue } from 'bull';
import { APP_CONFIG, type AppConfig } from '../config/index.js';
import { RETRY_AFTER_BACKOFF, type RetryAfterBackoffOptions } from '../queue/backoff.js';
import { QUEUES } from '../queue/queues.js';

/** Payload of `notifications:deliver`: one job per email or push delivery. */
export interface DeliverJob {
  deliveryId: string;
}

/** Payload of `notifications:broadcast-batch`: fan a broadcast out to the users after a cursor. */
export interface BroadcastBatchJob {
  broadcastId: string;
  /** Keyset cursor: the batch takes active users with id greater than this (null: from the start). */
  afterUserId: string | null;
}

export interface ScheduledDelivery {
  deliveryId: string;
  /** Milliseconds to wait (quiet hours); 0 for now. */
  delayMs: number;
}

/** The typed producer of the `notifications` queue. Job ids make every add idempotent. */
@Injectable()
export class NotificationsQueue {
  constructor(
    @InjectQueue(QUEUES.notifications.name) readonly queue: Queue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async deliver(deliveries: ScheduledDelivery[]): Promise<void> {
    if (deliveries.length === 0) return;
    await this.queue.addBulk(
      deliveries.map((d) => ({
        name: QUEUES.notifications.jobs.deliver,
        data: { deliveryId: d.deliveryId } satisfies DeliverJob,
        opts: this.options(d.deliveryId, d.delayMs),
      })),
    );
  }

  /**
   * A failed delivery sent again on an operator's request. Its first job id (the delivery id) may
   * still be kept by Bull as failed, which would make the add a no-op: a retry gets its own id.
   */
  async redeliver(deliveryId: string, retry: number): Promise<void> {
    await this.queue.add(
      QUEUES.notifications.jobs.deliver,
      { deliveryId } satisfies DeliverJob,
      this.options(`${deliveryId}:retry:${retry}`, 0),
    );
  }

  async broadcastBatch(job: BroadcastBatchJob): Promise<void> {
    const jobId = `broadcast:${job.broadcastId}:${job.afterUserId ?? 'start'}`;
    await this.queue.add(QUEUES.notifications.jobs.broadcastBatch, job, this.options(jobId, 0));
  }

  private options(jobId: string, delayMs: number): JobOptions {
    const { maxAttempts, backoffMs } = this.config.notifications;
    return {
      jobId,
      attempts: maxAttempts,
      // Exponential, unless the error names the time (a busy delivery: when the claim ends).
      backoff: {
        type: RETRY_AFTER_BACKOFF,
        options: { delay: backoffMs } satisfies RetryAfterBackoffOptions,
      },
      ...(delayMs > 0 ? { delay: Math.round(delayMs) } : {}),
    };
  }
}
