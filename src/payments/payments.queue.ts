import { InjectQueue } from '@nestjs/bull';
import { Injectable } from '@nestjs/common';
import type { Queue } from 'bull';
import { QUEUES } from '../queue/queues.js';

export interface ProcessWebhookJob {
  webhookEventId: string;
}

/** Typed producer for the payments queue. */
@Injectable()
export class PaymentsQueue {
  constructor(@InjectQueue(QUEUES.payments.name) private readonly queue: Queue) {}

  /** Job id = the stored event's id: however often it is enqueued, it is queued once. */
  async processWebhook(webhookEventId: string): Promise<void> {
    const data: ProcessWebhookJob = { webhookEventId };
    await this.queue.add(QUEUES.payments.jobs.processWebhook, data, {
      jobId: `webhook-${webhookEventId}`,
    });
  }
}
