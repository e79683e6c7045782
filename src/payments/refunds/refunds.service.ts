import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock.js';
import { Transactions } from '../../database/transactions.js';
import { MoneyError, refundAmountFor } from '../domain/money.js';
import { canRefund } from '../domain/payment-status.js';
import {
  moneyProblem,
  paymentNotFound,
  paymentStateConflict,
  providerRequestProblem,
} from '../domain/payments.errors.js';
import type { RefundView } from '../domain/refund-view.js';
import {
  PaymentProvider,
  ProviderRequestError,
  type RefundReason,
} from '../providers/payment-provider.js';
import { RefundSettlement } from '../refund-settlement.js';
import { PaymentsRepository } from '../repositories/payments.repository.js';
import { RefundsRepository } from '../repositories/refunds.repository.js';

/**
 * Refunds. The invariant "succeeded + pending refunds ≤ amount paid" holds because a refund is
 * only created with its payment row locked FOR UPDATE: concurrent refunds of one payment queue
 * up on that lock and each sees the ones before it.
 */
@Injectable()
export class RefundsService {
  constructor(
    private readonly transactions: Transactions,
    private readonly payments: PaymentsRepository,
    private readonly refunds: RefundsRepository,
    private readonly settlement: RefundSettlement,
    private readonly provider: PaymentProvider,
    private readonly clock: Clock,
  ) {}

  async create(
    adminId: string,
    paymentId: string,
    input: { amount?: number; reason?: RefundReason },
  ): Promise<RefundView> {
    const { refund, providerPaymentId } = await this.transactions.run(async (manager) => {
      const payment = await this.payments.lock(manager, paymentId);
      if (!payment) throw paymentNotFound();
      if (!canRefund(payment.status) || !payment.providerPaymentId) {
        throw paymentStateConflict(`A ${payment.status} payment cannot be refunded.`);
      }
      const existing = await this.refunds.findByPayment(manager, paymentId);
      let amount: number;
      try {
        amount = refundAmountFor(payment.amount, existing, input.amount);
      } catch (error) {
        if (error instanceof MoneyError) throw moneyProblem(error);
        throw error;
      }
      const row = await this.refunds.insert(manager, {
        paymentId,
        amount,
        status: 'pending',
        providerRefundId: null,
        reason: input.reason ?? null,
        requestedBy: adminId,
        failureReason: null,
        lastAttemptAt: this.clock.now(),
      });
      return { refund: row, providerPaymentId: payment.providerPaymentId };
    });

    // The refund row (and with it the key `refund:<id>`) is committed before the call.
    const outcome = await this.settlement.callProvider(refund, providerPaymentId);
    await this.settlement.settle(refund.id, outcome, 'api', null);
    const view = await this.view(refund.id);
    if (view.status === 'failed' && outcome.failureReason !== undefined) {
      throw providerRequestProblem(
        new ProviderRequestError(this.provider.name, 'refund_failed', outcome.failureReason),
      );
    }
    return view;
  }

  async view(refundId: string): Promise<RefundView> {
    const refund = await this.refunds.getById(refundId);
    const payment = await this.payments.getById(refund.paymentId);
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
}
