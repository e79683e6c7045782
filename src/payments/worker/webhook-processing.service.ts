import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../../common/clock.js';
import { isPaymentStatus } from '../domain/payment-status.js';
import { WebhookEvent, type WebhookEventStatus } from '../entities/webhook-event.entity.js';
import { PaymentLedger } from '../payment-ledger.js';
import { PaymentSync } from '../payment-sync.service.js';
import { RefundNotYetRecordedError, RefundsService } from '../refunds.service.js';
import type { ProviderRefundStatus } from '../providers/payment-provider.js';

/** An event for a payment we have not linked to its intent yet (our create still in flight). */
export class PaymentNotYetKnownError extends Error {}

/**
 * Applies a stored webhook event, idempotently: the event row is locked while it is applied and
 * marked processed in the same transaction as the status change, so the same event delivered any
 * number of times (or processed by two jobs at once) changes the payment once.
 */
@Injectable()
export class WebhookProcessingService {
  private readonly logger = new Logger(WebhookProcessingService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly ledger: PaymentLedger,
    private readonly sync: PaymentSync,
    private readonly refunds: RefundsService,
    private readonly clock: Clock,
  ) {}

  /** `finalAttempt`: no retry follows, so a failure marks the event `failed` (reconciliation). */
  async process(
    webhookEventId: string,
    { finalAttempt = false } = {},
  ): Promise<WebhookEventStatus> {
    const row = await this.dataSource.getRepository(WebhookEvent).findOneBy({ id: webhookEventId });
    if (!row) return 'ignored';
    if (row.status === 'processed' || row.status === 'ignored') return row.status;
    try {
      const status = await this.apply(row);
      return status;
    } catch (error) {
      await this.dataSource.query(
        `UPDATE webhook_events SET attempts = attempts + 1, last_error = $2, status = $3,
                updated_at = now()
          WHERE id = $1 AND status IN ('pending', 'failed')`,
        [
          row.id,
          String(error instanceof Error ? error.message : error).slice(0, 1000),
          finalAttempt ? 'failed' : row.status,
        ],
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
    const result = await this.dataSource.transaction(async (manager) => {
      const locked = await manager.findOne(WebhookEvent, {
        where: { id: row.id },
        lock: { mode: 'pessimistic_write' },
      });
      if (!locked || locked.status === 'processed' || locked.status === 'ignored') {
        return locked?.status ?? 'ignored';
      }
      const payment = await this.ledger.lockByProviderId(manager, row.provider, providerPaymentId);
      if (!payment) throw new PaymentNotYetKnownError(`no payment for intent ${providerPaymentId}`);
      const outcome = await this.ledger.transition(manager, payment, {
        to,
        source: 'webhook',
        providerEventId: event.id,
      });
      if (outcome.kind === 'rejected') doubt.paymentId = payment.id;
      await this.markIn(manager, row.id, 'processed');
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
    await this.markIn(this.dataSource.manager, id, status);
    return status;
  }

  private async markIn(
    manager: DataSource['manager'],
    id: string,
    status: 'processed' | 'ignored',
  ): Promise<void> {
    await manager.query(
      `UPDATE webhook_events SET status = $2, processed_at = $3, attempts = attempts + 1,
              last_error = NULL, updated_at = now()
        WHERE id = $1`,
      [id, status, this.clock.now()],
    );
  }
}
