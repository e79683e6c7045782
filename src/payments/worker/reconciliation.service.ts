import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../../common/clock.js';
import { IdempotencyStore } from '../../idempotency/idempotency.store.js';
import { PaymentProvider } from '../providers/payment-provider.js';
import { SandboxProvider } from '../providers/sandbox.provider.js';
import { WebhookEventsRepository } from '../repositories/webhook-events.repository.js';
import { PendingRefunds } from './pending-refunds.js';
import { StuckPayments } from './stuck-payments.js';
import { WebhookProcessing } from './webhook-processing.js';

const BATCH = 100;
/** A pending webhook event older than this was not picked up by its job (Redis was down). */
const WEBHOOK_PICKUP_GRACE_MS = 60_000;
/** Failed webhook events are retried this many times by reconciliation, then left for a human. */
const MAX_WEBHOOK_ATTEMPTS = 30;

export interface ReconciliationReport {
  settled: number;
  redelivered: number;
  paymentsChecked: number;
  refundsRetried: number;
  webhooksRetried: number;
  idempotencyKeysPurged: number;
}

/**
 * The safety net, run by a repeatable job: payments stuck in processing or requires_* are
 * re-checked with the provider; pending refunds are asked again (same idempotency key); webhook
 * events that failed or were never picked up are processed again; the sandbox settles its
 * asynchronous payments and redelivers its webhooks. Every step is idempotent, so two runs at
 * once (or a run next to a live webhook) do no harm.
 */
@Injectable()
export class ReconciliationService {
  private readonly logger = new Logger(ReconciliationService.name);

  constructor(
    private readonly provider: PaymentProvider,
    private readonly stuckPayments: StuckPayments,
    private readonly pendingRefunds: PendingRefunds,
    private readonly webhookEvents: WebhookEventsRepository,
    private readonly webhooks: WebhookProcessing,
    private readonly idempotency: IdempotencyStore,
    private readonly clock: Clock,
  ) {}

  async runOnce(): Promise<ReconciliationReport> {
    const now = this.clock.now();
    const report: ReconciliationReport = {
      settled: 0,
      redelivered: 0,
      paymentsChecked: 0,
      refundsRetried: 0,
      webhooksRetried: 0,
      idempotencyKeysPurged: 0,
    };
    if (this.provider instanceof SandboxProvider) {
      Object.assign(report, await this.provider.settleDue(now));
    }
    report.webhooksRetried = await this.retryWebhooks(now);
    report.paymentsChecked = await this.stuckPayments.check(now);
    report.refundsRetried = await this.pendingRefunds.retry(now);
    report.idempotencyKeysPurged = await this.idempotency.purgeExpired();
    return report;
  }

  private async retryWebhooks(now: Date): Promise<number> {
    const provider = this.provider.name;
    const events = await this.webhookEvents.findRetryable(
      provider,
      MAX_WEBHOOK_ATTEMPTS,
      new Date(now.getTime() - WEBHOOK_PICKUP_GRACE_MS),
      BATCH,
    );
    let done = 0;
    for (const event of events) {
      try {
        await this.webhooks.process(event.id, { finalAttempt: true });
        done++;
      } catch (error) {
        this.logger.warn({ err: error, webhookEventId: event.id }, 'webhook retry failed');
      }
    }
    return done;
  }
}
