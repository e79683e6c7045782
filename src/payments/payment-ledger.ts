import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock } from '../common/clock.js';
import { NotificationsService } from '../notifications/index.js';
import { isFinal, refundStatusFor, transition } from './domain/payment-status.js';
import type { PaymentStatus } from './domain/payment-status.js';
import type { TransitionSource } from './entities/payment-event.entity.js';
import type { Payment } from './entities/payment.entity.js';
import type { NextAction } from './providers/payment-provider.js';
import { PaymentsRepository, type PaymentColumns } from './repositories/payments.repository.js';

export interface TransitionInput {
  to: PaymentStatus;
  source: TransitionSource;
  providerEventId?: string | null;
  failure?: { code: string; message: string | null };
  nextAction?: NextAction | null;
}

export type TransitionOutcome =
  | { kind: 'applied'; from: PaymentStatus }
  | { kind: 'ignored'; reason: string }
  | { kind: 'rejected'; reason: string };

/**
 * The one place a payment's status changes. Every change happens on a row locked FOR UPDATE,
 * goes through the pure state machine, appends its payment_events row and (for final outcomes)
 * requests the receipt, all in the caller's transaction: the change, its history and its
 * notification commit together or not at all.
 */
@Injectable()
export class PaymentLedger {
  private readonly logger = new Logger(PaymentLedger.name);

  constructor(
    private readonly payments: PaymentsRepository,
    private readonly clock: Clock,
    private readonly notifications: NotificationsService,
  ) {}

  /** Records the creation of a payment (its first history row). */
  async created(manager: EntityManager, payment: Payment): Promise<void> {
    await this.payments.insertEvent(manager, {
      paymentId: payment.id,
      fromStatus: null,
      toStatus: payment.status,
      source: 'api',
      providerEventId: null,
    });
  }

  /** Applies a status change to a payment locked by `lock` in the same transaction. */
  async transition(
    manager: EntityManager,
    payment: Payment,
    input: TransitionInput,
  ): Promise<TransitionOutcome> {
    const decision = transition(payment.status, input.to);
    if (decision.kind === 'ignore') {
      // A webhook may have moved it to requires_action first; the next action comes from our call.
      if (payment.status === input.to && input.to === 'requires_action' && input.nextAction) {
        await this.payments.update(manager, payment.id, { nextAction: input.nextAction });
        payment.nextAction = input.nextAction;
      }
      // The provider's webhook may record the failure before our confirm call returns with its
      // decline code: keep the code rather than lose it to the race.
      if (payment.status === input.to && input.failure && !payment.failureCode) {
        const failure = {
          failureCode: input.failure.code.slice(0, 100),
          failureMessage: input.failure.message?.slice(0, 500) ?? null,
        };
        await this.payments.update(manager, payment.id, failure);
        Object.assign(payment, failure);
      }
      return { kind: 'ignored', reason: decision.reason };
    }
    if (decision.kind === 'reject') return { kind: 'rejected', reason: decision.reason };
    const from = payment.status;
    await this.write(manager, payment, input, {});
    if (input.to === 'succeeded') {
      await this.notifications.notify(manager, {
        userId: payment.userId,
        type: 'payments.succeeded',
        data: paymentRef(payment),
        idempotencyKey: `payment:${payment.id}:succeeded`,
      });
    } else if (input.to === 'failed') {
      await this.notifications.notify(manager, {
        userId: payment.userId,
        type: 'payments.failed',
        data: { ...paymentRef(payment), reason: payment.failureMessage ?? payment.failureCode },
        idempotencyKey: `payment:${payment.id}:failed`,
      });
    }
    return { kind: 'applied', from };
  }

  /** A succeeded refund adds to the refunded total and moves the status along with it. */
  async addRefunded(
    manager: EntityManager,
    payment: Payment,
    amount: number,
    source: TransitionSource,
    providerEventId: string | null,
  ): Promise<void> {
    const amountRefunded = payment.amountRefunded + amount;
    const to = refundStatusFor(payment.amount, amountRefunded);
    const decision = transition(payment.status, to);
    // A second partial refund stays partially_refunded: the total changes, and the history says so.
    const again = payment.status === to && to === 'partially_refunded';
    if (decision.kind !== 'apply' && !again) {
      // Cannot happen while refunds are only created for paid payments under the same lock.
      this.logger.error({ paymentId: payment.id, to, decision }, 'refund total out of step');
      throw new Error(`cannot record a refund on payment ${payment.id}: ${decision.reason}`);
    }
    await this.write(manager, payment, { to, source, providerEventId }, { amountRefunded });
  }

  private async write(
    manager: EntityManager,
    payment: Payment,
    input: TransitionInput,
    extra: Partial<Pick<Payment, 'amountRefunded'>>,
  ): Promise<void> {
    const from = payment.status;
    const changes: PaymentColumns = {
      status: input.to,
      statusChangedAt: this.clock.now(),
      nextAction: input.to === 'requires_action' ? (input.nextAction ?? payment.nextAction) : null,
      ...extra,
    };
    if (input.failure) {
      changes.failureCode = input.failure.code.slice(0, 100);
      changes.failureMessage = input.failure.message?.slice(0, 500) ?? null;
    }
    // The client secret is only useful while the customer can still act on the intent.
    if (isFinal(input.to)) changes.clientSecret = null;
    await this.payments.update(manager, payment.id, changes);
    Object.assign(payment, changes);
    await this.payments.insertEvent(manager, {
      paymentId: payment.id,
      fromStatus: from,
      toStatus: input.to,
      source: input.source,
      providerEventId: input.providerEventId ?? null,
    });
  }
}

export function paymentRef(payment: Payment) {
  return {
    paymentId: payment.id,
    amount: payment.amount,
    currency: payment.currency,
    description: payment.description,
  };
}
