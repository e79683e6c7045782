import { Inject, Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock } from '../../common/clock.js';
import { APP_CONFIG, type AppConfig } from '../../config/index.js';
import { Transactions } from '../../database/transactions.js';
import { IdempotencyStore } from '../../idempotency/idempotency.store.js';
import { canCancel } from '../domain/payment-status.js';
import { providerKeys } from '../domain/provider-keys.js';
import type { Payment } from '../entities/payment.entity.js';
import { PaymentOperations } from '../payment-operations.js';
import { PaymentSync } from '../payment-sync.js';
import { PaymentProvider } from '../providers/payment-provider.js';
import { SandboxProvider } from '../providers/sandbox.provider.js';
import { RefundSettlement } from '../refund-settlement.js';
import { PaymentsRepository } from '../repositories/payments.repository.js';
import { RefundsRepository } from '../repositories/refunds.repository.js';
import { WebhookEventsRepository } from '../repositories/webhook-events.repository.js';
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
    private readonly transactions: Transactions,
    private readonly payments: PaymentsRepository,
    private readonly refundRows: RefundsRepository,
    private readonly webhookEvents: WebhookEventsRepository,
    private readonly provider: PaymentProvider,
    private readonly sync: PaymentSync,
    private readonly operations: PaymentOperations,
    private readonly refunds: RefundSettlement,
    private readonly webhooks: WebhookProcessing,
    private readonly idempotency: IdempotencyStore,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
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
    report.paymentsChecked = await this.checkStuckPayments(now);
    report.refundsRetried = await this.retryRefunds(now);
    report.idempotencyKeysPurged = await this.idempotency.purgeExpired();
    return report;
  }

  private async checkStuckPayments(now: Date): Promise<number> {
    const before = new Date(now.getTime() - this.config.payments.stuckAfterMs);
    const stuck = await this.payments.findStuck(this.provider.name, before, BATCH);
    for (const payment of stuck) {
      try {
        if (payment.providerPaymentId) await this.sync.refresh(payment.id, 'reconciliation');
        else await this.recoverCreate(payment);
      } catch (error) {
        this.logger.warn(
          { err: error, paymentId: payment.id },
          'reconciliation of a payment failed',
        );
      }
    }
    return stuck.length;
  }

  /**
   * A payment whose create call failed ambiguously: the client got a 503 and has retried with a
   * new payment. Ask again with the same key (the provider returns the intent if it made one),
   * then cancel it, so that no orphaned intent can ever be paid.
   */
  private async recoverCreate(payment: Payment): Promise<void> {
    const intent = await this.provider.createIntent({
      paymentId: payment.id,
      amount: payment.amount,
      currency: payment.currency,
      description: payment.description ?? undefined,
      idempotencyKey: providerKeys.create(payment.id),
    });
    if (!canCancel(intent.status)) {
      await this.attach(this.payments.autoCommit, payment.id, intent.providerPaymentId);
      await this.sync.apply(payment.id, { to: intent.status, source: 'reconciliation' });
      return;
    }
    // Attached and leased at once: a cancel by the owner from then on is told to retry (409)
    // rather than racing ours under the same provider key. While another request holds the
    // lease, the payment stays an orphan for the next run.
    const lease = await this.transactions.run(async (manager) => {
      const locked = await this.payments.lock(manager, payment.id);
      const token = locked ? await this.operations.tryClaim(manager, locked, 'cancel') : null;
      if (token !== null) await this.attach(manager, payment.id, intent.providerPaymentId);
      return token;
    });
    if (lease === null) return;
    try {
      const result = await this.provider.cancel({
        providerPaymentId: intent.providerPaymentId,
        idempotencyKey: providerKeys.cancel(payment.id),
      });
      await this.sync.apply(payment.id, { to: result.status, source: 'reconciliation' });
    } finally {
      await this.operations.release(payment.id, lease);
    }
  }

  private attach(
    manager: EntityManager,
    paymentId: string,
    providerPaymentId: string,
  ): Promise<void> {
    return this.payments.attachIntentIfNone(manager, paymentId, providerPaymentId);
  }

  private async retryRefunds(now: Date): Promise<number> {
    const before = new Date(now.getTime() - this.config.payments.stuckAfterMs);
    const pending = await this.refundRows.findPendingBefore(before, BATCH);
    for (const refund of pending) {
      try {
        const payment = await this.payments.getById(refund.paymentId);
        if (!payment.providerPaymentId || payment.provider !== this.provider.name) continue;
        const outcome = await this.refunds.callProvider(refund, payment.providerPaymentId);
        await this.refunds.settle(refund.id, outcome, 'reconciliation', null);
      } catch (error) {
        this.logger.warn({ err: error, refundId: refund.id }, 'reconciliation of a refund failed');
      }
    }
    return pending.length;
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
