import { InjectQueue } from '@nestjs/bull';
import { Injectable } from '@nestjs/common';
import type { Queue } from 'bull';
import { withTimeout } from '../common/with-timeout.js';
import { QUEUES } from '../queue/queues.js';

export interface ProcessWebhookJob {
  webhookEventId: string;
}

/** Long enough for a Redis under load, short enough for a provider waiting on its webhook. */
const ENQUEUE_TIMEOUT_MS = 2000;

/** Typed producer for the payments queue. */
@Injectable()
export class PaymentsQueue {
  constructor(@InjectQueue(QUEUES.payments.name) private readonly queue: Queue) {}

  /**
   * Job id = the stored event's id: however often it is enqueued, it is queued once. Fails fast
   * while Redis is away (Bull's client would hold the command until it reconnects).
   */
  async processWebhook(webhookEventId: string): Promise<void> {
    if (this.queue.client.status !== 'ready') {
      throw new Error(`redis is ${this.queue.client.status}`);
    }
    const data: ProcessWebhookJob = { webhookEventId };
    await withTimeout(
      this.queue.add(QUEUES.payments.jobs.processWebhook, data, {
        jobId: `webhook-${webhookEventId}`,
      }),
      ENQUEUE_TIMEOUT_MS,
      'enqueue',
    );
  }
}
