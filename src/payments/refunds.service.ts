import { Injectable, Logger } from '@nestjs/common';
import { DataSource, IsNull, type EntityManager } from 'typeorm';
import { Clock } from '../common/clock.js';
import { NotificationsService } from '../notifications/index.js';
import { MoneyError, refundAmountFor, remainingRefundable } from './domain/money.js';
import { canRefund } from './domain/payment-status.js';
import type { TransitionSource } from './entities/payment-event.entity.js';
import { Payment } from './entities/payment.entity.js';
import { Refund } from './entities/refund.entity.js';
import {
  moneyProblem,
  paymentNotFound,
  paymentStateConflict,
  providerRequestProblem,
} from './payment-errors.js';
import { PaymentLedger, paymentRef } from './payment-ledger.js';
import { providerKeys } from './payments.service.js';
import {
  PaymentProvider,
  ProviderDeclinedError,
  ProviderRequestError,
  ProviderUnavailableError,
  type ProviderRefundStatus,
  type RefundReason,
} from './providers/payment-provider.js';

export interface RefundView {
  id: string;
  paymentId: string;
  amount: number;
  currency: string;
  status: ProviderRefundStatus;
  reason: RefundReason | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface ProviderRefundOutcome {
  providerRefundId: string | null;
  status: ProviderRefundStatus;
  failureReason?: string;
}

/** Thrown when a provider refund event names a refund we have not linked yet: retry later. */
export class RefundNotYetRecordedError extends Error {}

/**
 * Refunds. The invariant "succeeded + pending refunds ≤ amount paid" holds because a refund is
 * only created with its payment row locked FOR UPDATE: concurrent refunds of one payment queue
 * up on that lock and each sees the ones before it.
 */
@Injectable()
export class RefundsService {
  private readonly logger = new Logger(RefundsService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly provider: PaymentProvider,
    private readonly ledger: PaymentLedger,
    private readonly notifications: NotificationsService,
    private readonly clock: Clock,
  ) {}

  async create(
    adminId: string,
    paymentId: string,
    input: { amount?: number; reason?: RefundReason },
  ): Promise<RefundView> {
    const { refund, providerPaymentId } = await this.dataSource.transaction(async (manager) => {
      const payment = await this.ledger.lock(manager, paymentId);
      if (!payment) throw paymentNotFound();
      if (!canRefund(payment.status) || !payment.providerPaymentId) {
        throw paymentStateConflict(`A ${payment.status} payment cannot be refunded.`);
      }
      const existing = await manager.find(Refund, { where: { paymentId } });
      let amount: number;
      try {
        amount = refundAmountFor(payment.amount, existing, input.amount);
      } catch (error) {
        if (error instanceof MoneyError) throw moneyProblem(error);
        throw error;
      }
      const row = manager.create(Refund, {
        paymentId,
        amount,
        status: 'pending',
        providerRefundId: null,
        reason: input.reason ?? null,
        requestedBy: adminId,
        failureReason: null,
        lastAttemptAt: this.clock.now(),
      });
      await manager.save(row);
      return { refund: row, providerPaymentId: payment.providerPaymentId };
    });

    // The refund row (and with it the key `refund:<id>`) is committed before the call.
    const outcome = await this.callProvider(refund, providerPaymentId);
    await this.settle(refund.id, outcome, 'api', null);
    const view = await this.view(refund.id);
    if (view.status === 'failed' && outcome.failureReason !== undefined) {
      throw providerRequestProblem(
        new ProviderRequestError(this.provider.name, 'refund_failed', outcome.failureReason),
      );
    }
    return view;
  }

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
    await this.dataSource.transaction(async (manager) => {
      const head = await manager.findOneByOrFail(Refund, { id: refundId });
      const payment = await this.ledger.lock(manager, head.paymentId);
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
    const refund = await manager.findOneOrFail(Refund, {
      where: { id: refundId },
      lock: { mode: 'pessimistic_write' },
    });
    const changes: Partial<Refund> = { lastAttemptAt: this.clock.now() };
    if (outcome.providerRefundId && refund.providerRefundId === null) {
      changes.providerRefundId = outcome.providerRefundId;
    }
    if (refund.status === 'pending' && outcome.status !== 'pending') {
      changes.status = outcome.status;
      if (outcome.status === 'failed') {
        changes.failureReason = outcome.failureReason?.slice(0, 500) ?? 'refund failed';
      }
    }
    await manager.update(Refund, { id: refundId }, changes);
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
    const known = await this.dataSource
      .getRepository(Refund)
      .findOneBy({ providerRefundId: event.providerRefundId });
    if (known) {
      await this.settle(
        known.id,
        { providerRefundId: event.providerRefundId, status: event.status },
        'webhook',
        providerEventId,
      );
      return 'processed';
    }
    return this.dataSource.transaction(async (manager) => {
      const payment = await this.ledger.lockByProviderId(
        manager,
        this.provider.name,
        providerPaymentId,
      );
      if (!payment) return 'ignored';
      // Our API may have linked it since the look-up above (it settles under this same lock):
      // then it is ours, not a refund made elsewhere that fails to fit.
      const linked = await manager.findOneBy(Refund, {
        paymentId: payment.id,
        providerRefundId: event.providerRefundId,
      });
      if (linked) {
        const outcome = { providerRefundId: event.providerRefundId, status: event.status };
        await this.settleLocked(manager, payment, linked.id, outcome, 'webhook', providerEventId);
        return 'processed';
      }
      const unlinked = await manager.count(Refund, {
        where: { paymentId: payment.id, status: 'pending', providerRefundId: IsNull() },
      });
      if (unlinked > 0) {
        throw new RefundNotYetRecordedError(
          `refund ${event.providerRefundId} may be one of ours still in flight`,
        );
      }
      if (event.status !== 'succeeded') return 'ignored';
      const refunds = await manager.find(Refund, { where: { paymentId: payment.id } });
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
      const row = manager.create(Refund, {
        paymentId: payment.id,
        amount: event.amount,
        status: 'succeeded',
        providerRefundId: event.providerRefundId,
        reason: null,
        requestedBy: null,
        failureReason: null,
        lastAttemptAt: this.clock.now(),
      });
      await manager.save(row);
      await this.completed(manager, payment, row, 'webhook', providerEventId);
      return 'processed';
    });
  }

  async view(refundId: string): Promise<RefundView> {
    const refund = await this.dataSource.getRepository(Refund).findOneByOrFail({ id: refundId });
    const payment = await this.dataSource
      .getRepository(Payment)
      .findOneByOrFail({ id: refund.paymentId });
    return {
      id: refund.id,
      paymentId: refund.paymentId,
      amount: refund.amount,
      currency: payment.currency,
      status: refund.status,
      reason: refund.reason,
      createdAt: refund.createdAt,
      updatedAt: refund.updatedAt,
    };
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
