import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../../common/clock.js';
import { Transactions } from '../../database/transactions.js';
import { isPaymentStatus } from '../domain/payment-status.js';
import { PaymentNotYetKnownError, RefundNotYetRecordedError } from '../domain/payments.errors.js';
import type { WebhookEvent, WebhookEventStatus } from '../entities/webhook-event.entity.js';
import { PaymentLedger } from '../payment-ledger.js';
import { PaymentSync } from '../payment-sync.js';
import type { ProviderRefundStatus } from '../providers/payment-provider.js';
import { RefundSettlement } from '../refund-settlement.js';
import { PaymentsRepository } from '../repositories/payments.repository.js';
import { WebhookEventsRepository } from '../repositories/webhook-events.repository.js';

/**
 * Applies a stored webhook event, idempotently: the event row is locked while it is applied and
 * marked processed in the same transaction as the status change, so the same event delivered any
 * number of times (or processed by two jobs at once) changes the payment once.
 */
@Injectable()
export class WebhookProcessing {
  private readonly logger = new Logger(WebhookProcessing.name);

  constructor(
    private readonly transactions: Transactions,
    private readonly webhookEvents: WebhookEventsRepository,
    private readonly payments: PaymentsRepository,
    private readonly ledger: PaymentLedger,
    private readonly sync: PaymentSync,
    private readonly refunds: RefundSettlement,
    private readonly clock: Clock,
  ) {}

  /** `finalAttempt`: no retry follows, so a failure marks the event `failed` (reconciliation). */
  async process(
    webhookEventId: string,
    { finalAttempt = false } = {},
  ): Promise<WebhookEventStatus> {
    const row = await this.webhookEvents.findById(webhookEventId);
    if (!row) return 'ignored';
    if (row.status === 'processed' || row.status === 'ignored') return row.status;
    try {
      const status = await this.apply(row);
      return status;
    } catch (error) {
      await this.webhookEvents.recordFailure(
        row.id,
        String(error instanceof Error ? error.message : error).slice(0, 1000),
        finalAttempt ? 'failed' : row.status,
      );
      this.logEarly(row, error, finalAttempt);
      throw error;
    }
  }

  /**
   * The provider's event may overtake our own record of what it is about (it answers our call
   * and sends the webhook at once): that is ordering, not a fault, and the job is retried.
   */
  private logEarly(row: WebhookEvent, error: unknown, finalAttempt: boolean): void {
    if (!(error instanceof RefundNotYetRecordedError || error instanceof PaymentNotYetKnownError)) {
      return;
    }
    const fields = { webhookEventId: row.id, eventId: row.eventId, reason: error.message };
    if (finalAttempt) {
      this.logger.warn(fields, 'webhook event still ahead of our records; left to reconciliation');
    } else {
      this.logger.log(fields, 'webhook event arrived before our record of it; retrying later');
    }
  }

  private async apply(row: WebhookEvent): Promise<WebhookEventStatus> {
    const event = row.event;
    if (event.kind === 'refund' && event.refund && event.providerPaymentId) {
      const outcome = await this.refunds.applyProviderEvent(
        event.providerPaymentId,
        {
          providerRefundId: event.refund.providerRefundId,
          amount: event.refund.amount,
          status: event.refund.status as ProviderRefundStatus,
        },
        event.id,
      );
      return this.mark(row.id, outcome);
    }
    if (event.kind !== 'payment' || !event.providerPaymentId || !isPaymentStatus(event.status)) {
      return this.mark(row.id, 'ignored');
    }
    const to = event.status;
    const providerPaymentId = event.providerPaymentId;
    const doubt: { paymentId: string | null } = { paymentId: null };
    const result = await this.transactions.run(async (manager) => {
      const locked = await this.webhookEvents.lock(manager, row.id);
      if (!locked || locked.status === 'processed' || locked.status === 'ignored') {
        return locked?.status ?? 'ignored';
      }
      const payment = await this.payments.lockByProviderId(
        manager,
        row.provider,
        providerPaymentId,
      );
      if (!payment) throw new PaymentNotYetKnownError(`no payment for intent ${providerPaymentId}`);
      const outcome = await this.ledger.transition(manager, payment, {
        to,
        source: 'webhook',
        providerEventId: event.id,
      });
      if (outcome.kind === 'rejected') doubt.paymentId = payment.id;
      await this.webhookEvents.mark(manager, row.id, 'processed', this.clock.now());
      return 'processed' as const;
    });
    if (doubt.paymentId !== null) {
      // A final outcome contradicting ours: the provider's current intent decides.
      this.logger.warn({ eventId: event.id, paymentId: doubt.paymentId, to }, 'webhook in doubt');
      await this.sync.refresh(doubt.paymentId, 'webhook', event.id);
    }
    return result;
  }

  private async mark(id: string, status: 'processed' | 'ignored'): Promise<WebhookEventStatus> {
    await this.webhookEvents.mark(this.webhookEvents.autoCommit, id, status, this.clock.now());
    return status;
  }
}
