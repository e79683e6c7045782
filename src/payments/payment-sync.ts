import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { Transactions } from '../database/transactions.js';
import type { PaymentStatus } from './domain/payment-status.js';
import type { TransitionSource } from './entities/payment-event.entity.js';
import { PaymentLedger, type TransitionInput, type TransitionOutcome } from './payment-ledger.js';
import { PaymentProvider } from './providers/payment-provider.js';
import { PaymentsRepository } from './repositories/payments.repository.js';

/**
 * Applies a status to a payment in its own transaction, and when the state machine calls the
 * change a contradiction (a final outcome against another), asks the provider for the truth.
 */
@Injectable()
export class PaymentSync {
  private readonly logger = new Logger(PaymentSync.name);

  constructor(
    private readonly transactions: Transactions,
    private readonly payments: PaymentsRepository,
    private readonly ledger: PaymentLedger,
    private readonly provider: PaymentProvider,
    private readonly clock: Clock,
  ) {}

  /** Applies `input`; a rejected change makes it re-fetch the intent and apply that instead. */
  async apply(paymentId: string, input: TransitionInput): Promise<TransitionOutcome> {
    const outcome = await this.applyOnce(paymentId, input);
    if (outcome.kind !== 'rejected') return outcome;
    this.logger.warn(
      { paymentId, to: input.to, reason: outcome.reason, source: input.source },
      'payment status in doubt: re-fetching it from the provider',
    );
    await this.refresh(paymentId, input.source, input.providerEventId ?? null);
    return outcome;
  }

  /**
   * Brings the payment to the provider's current state of its intent. Refund statuses are ours
   * to derive from our refunds, so the intent's counts as `succeeded` here.
   */
  async refresh(
    paymentId: string,
    source: TransitionSource,
    providerEventId: string | null = null,
  ): Promise<TransitionOutcome | null> {
    const payment = await this.payments.findById(paymentId);
    if (!payment?.providerPaymentId) return null;
    const remote = await this.provider.retrieve(payment.providerPaymentId);
    const to: PaymentStatus =
      remote.status === 'partially_refunded' || remote.status === 'refunded'
        ? 'succeeded'
        : remote.status;
    const outcome = await this.applyOnce(paymentId, { to, source, providerEventId });
    if (outcome.kind === 'rejected') {
      // Our record contradicts the provider's final state: a person has to look at it.
      this.logger.error(
        { paymentId, ours: payment.status, provider: remote.status, reason: outcome.reason },
        'payment status contradicts the provider; manual review needed',
      );
    }
    if (remote.amountRefunded > payment.amountRefunded) {
      this.logger.warn(
        { paymentId, ours: payment.amountRefunded, provider: remote.amountRefunded },
        'provider reports more refunded than recorded here',
      );
    }
    await this.payments.markReconciled(paymentId, this.clock.now());
    return outcome;
  }

  private applyOnce(paymentId: string, input: TransitionInput): Promise<TransitionOutcome> {
    return this.transactions.run(async (manager) => {
      const payment = await this.payments.lock(manager, paymentId);
      if (!payment) throw new Error(`payment ${paymentId} vanished`);
      return this.ledger.transition(manager, payment, input);
    });
  }
}
