import { Process, Processor } from '@nestjs/bull';
import type { Job } from 'bull';
import { QUEUES } from '../../queue/queues.js';
import type { ProcessWebhookJob } from '../payments.queue.js';
import { ReconciliationService, type ReconciliationReport } from './reconciliation.service.js';
import { WebhookProcessing } from './webhook-processing.js';

@Processor(QUEUES.payments.name)
export class PaymentsProcessor {
  constructor(
    private readonly webhooks: WebhookProcessing,
    private readonly reconciliation: ReconciliationService,
  ) {}

  @Process({ name: QUEUES.payments.jobs.processWebhook, concurrency: 5 })
  async processWebhook(job: Job<ProcessWebhookJob>): Promise<string> {
    const finalAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    return this.webhooks.process(job.data.webhookEventId, { finalAttempt });
  }

  @Process({ name: QUEUES.payments.jobs.reconcile, concurrency: 1 })
  async reconcile(): Promise<ReconciliationReport> {
    return this.reconciliation.runOnce();
  }
}
