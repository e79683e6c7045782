import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock } from '../common/clock.js';
import { Transactions } from '../database/transactions.js';
import { NotificationsService } from '../notifications/index.js';
import { remainingRefundable } from './domain/money.js';
import { canRefund } from './domain/payment-status.js';
import { RefundNotYetRecordedError } from './domain/payments.errors.js';
import { providerKeys } from './domain/provider-keys.js';
import type { ProviderRefundOutcome } from './domain/refund-view.js';
import type { TransitionSource } from './entities/payment-event.entity.js';
import type { Payment } from './entities/payment.entity.js';
import type { Refund } from './entities/refund.entity.js';
import { PaymentLedger, paymentRef } from './payment-ledger.js';
import {
  PaymentProvider,
  ProviderDeclinedError,
  ProviderRequestError,
  ProviderUnavailableError,
  type ProviderRefundStatus,
} from './providers/payment-provider.js';
import { PaymentsRepository } from './repositories/payments.repository.js';
import { RefundsRepository, type RefundColumns } from './repositories/refunds.repository.js';

/**
 * A refund's way through the provider, shared by the refunds API, webhook processing and
 * reconciliation: the provider call (key `refund:<id>`) and the recording of its outcome, once.
 */
@Injectable()
export class RefundSettlement {
  private readonly logger = new Logger(RefundSettlement.name);

  constructor(
    private readonly transactions: Transactions,
    private readonly payments: PaymentsRepository,
    private readonly refunds: RefundsRepository,
    private readonly provider: PaymentProvider,
    private readonly ledger: PaymentLedger,
    private readonly notifications: NotificationsService,
    private readonly clock: Clock,
  ) {}

  /** Calls the provider for a pending refund; an outage leaves it pending for reconciliation. */
  async callProvider(refund: Refund, providerPaymentId: string): Promise<ProviderRefundOutcome> {
    try {
      const result = await this.provider.refund({
        providerPaymentId,
        amount: refund.amount,
        reason: refund.reason ?? undefined,
        idempotencyKey: providerKeys.refund(refund.id),
      });
      return { providerRefundId: result.providerRefundId, status: result.status };
    } catch (error) {
      if (error instanceof ProviderUnavailableError) {
        this.logger.warn({ err: error, refundId: refund.id }, 'provider unavailable on refund');
        return { providerRefundId: null, status: 'pending' };
      }
      if (error instanceof ProviderRequestError || error instanceof ProviderDeclinedError) {
        return { providerRefundId: null, status: 'failed', failureReason: error.message };
      }
      throw error;
    }
  }

  /**
   * Records a provider outcome for one of our refunds, idempotently: a refund leaves `pending`
   * once. Success adds to the payment's refunded total, moves its status and sends the receipt,
   * in one transaction with the payment row locked (payment first, then refund: one lock order).
   */
  async settle(
    refundId: string,
    outcome: ProviderRefundOutcome,
    source: TransitionSource,
    providerEventId: string | null,
  ): Promise<void> {
    await this.transactions.run(async (manager) => {
      const head = await this.refunds.getByIdIn(manager, refundId);
      const payment = await this.payments.lock(manager, head.paymentId);
      if (!payment) throw new Error(`payment of refund ${refundId} vanished`);
      await this.settleLocked(manager, payment, refundId, outcome, source, providerEventId);
    });
  }

  /** `settle` inside a transaction that already holds the refund's payment locked. */
  private async settleLocked(
    manager: EntityManager,
    payment: Payment,
    refundId: string,
    outcome: ProviderRefundOutcome,
    source: TransitionSource,
    providerEventId: string | null,
  ): Promise<void> {
    const refund = await this.refunds.lockById(manager, refundId);
    const changes: RefundColumns = { lastAttemptAt: this.clock.now() };
    if (outcome.providerRefundId && refund.providerRefundId === null) {
      changes.providerRefundId = outcome.providerRefundId;
    }
    if (refund.status === 'pending' && outcome.status !== 'pending') {
      changes.status = outcome.status;
      if (outcome.status === 'failed') {
        changes.failureReason = outcome.failureReason?.slice(0, 500) ?? 'refund failed';
      }
    }
    await this.refunds.update(manager, refundId, changes);
    if (changes.status === 'succeeded') {
      await this.completed(manager, payment, refund, source, providerEventId);
    }
  }

  /**
   * A provider refund event. Ours (matched by provider refund id) is settled; one we have created
   * but not linked yet is retried later; one made at the provider itself (dashboard) is recorded.
   */
  async applyProviderEvent(
    providerPaymentId: string,
    event: { providerRefundId: string; amount: number; status: ProviderRefundStatus },
    providerEventId: string,
  ): Promise<'processed' | 'ignored'> {
    const known = await this.refunds.findByProviderRefundId(event.providerRefundId);
    if (known) {
      await this.settle(
        known.id,
        { providerRefundId: event.providerRefundId, status: event.status },
        'webhook',
        providerEventId,
      );
      return 'processed';
    }
    return this.transactions.run(async (manager) => {
      const payment = await this.payments.lockByProviderId(
        manager,
        this.provider.name,
        providerPaymentId,
      );
      if (!payment) return 'ignored';
      // Our API may have linked it since the look-up above (it settles under this same lock):
      // then it is ours, not a refund made elsewhere that fails to fit.
      const linked = await this.refunds.findLinked(manager, payment.id, event.providerRefundId);
      if (linked) {
        const outcome = { providerRefundId: event.providerRefundId, status: event.status };
        await this.settleLocked(manager, payment, linked.id, outcome, 'webhook', providerEventId);
        return 'processed';
      }
      const unlinked = await this.refunds.countUnlinkedPending(manager, payment.id);
      if (unlinked > 0) {
        throw new RefundNotYetRecordedError(
          `refund ${event.providerRefundId} may be one of ours still in flight`,
        );
      }
      if (event.status !== 'succeeded') return 'ignored';
      const refunds = await this.refunds.findByPayment(manager, payment.id);
      if (
        !canRefund(payment.status) ||
        remainingRefundable(payment.amount, refunds) < event.amount
      ) {
        this.logger.error(
          { paymentId: payment.id, providerRefundId: event.providerRefundId },
          'provider refund does not fit the payment; manual review needed',
        );
        return 'ignored';
      }
      const row = await this.refunds.insert(manager, {
        paymentId: payment.id,
        amount: event.amount,
        status: 'succeeded',
        providerRefundId: event.providerRefundId,
        reason: null,
        requestedBy: null,
        failureReason: null,
        lastAttemptAt: this.clock.now(),
      });
      await this.completed(manager, payment, row, 'webhook', providerEventId);
      return 'processed';
    });
  }

  private async completed(
    manager: EntityManager,
    payment: Payment,
    refund: Refund,
    source: TransitionSource,
    providerEventId: string | null,
  ): Promise<void> {
    await this.ledger.addRefunded(manager, payment, refund.amount, source, providerEventId);
    await this.notifications.notify(manager, {
      userId: payment.userId,
      type: 'payments.refunded',
      data: { ...paymentRef(payment), amount: refund.amount },
      idempotencyKey: `refund:${refund.id}:succeeded`,
    });
  }
}
