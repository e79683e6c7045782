import { Injectable } from '@nestjs/common';
import type { PaymentStatus } from '../domain/payment-status.js';
import { paymentNotFound } from '../domain/payments.errors.js';
import type { RefundView } from '../domain/refund-view.js';
import type { TransitionSource } from '../entities/payment-event.entity.js';
import type { WebhookEventStatus } from '../entities/webhook-event.entity.js';
import { PaymentsRepository } from '../repositories/payments.repository.js';
import { RefundsRepository } from '../repositories/refunds.repository.js';
import { WebhookEventsRepository } from '../repositories/webhook-events.repository.js';

export interface PaymentTransition {
  id: string;
  fromStatus: PaymentStatus | null;
  toStatus: PaymentStatus;
  source: TransitionSource;
  providerEventId: string | null;
  createdAt: Date;
}

export interface PaymentWebhookEvent {
  id: string;
  eventId: string;
  type: string;
  status: WebhookEventStatus;
  attempts: number;
  lastError: string | null;
  createdAt: Date;
}

export interface PaymentHistory {
  transitions: PaymentTransition[];
  refunds: RefundView[];
  webhookEvents: PaymentWebhookEvent[];
}

/** Everything that happened to one payment, for an operator (admin console's payment page). */
@Injectable()
export class PaymentHistoryService {
  constructor(
    private readonly payments: PaymentsRepository,
    private readonly refunds: RefundsRepository,
    private readonly webhooks: WebhookEventsRepository,
  ) {}

  async get(paymentId: string): Promise<PaymentHistory> {
    const payment = await this.payments.findById(paymentId);
    if (!payment) throw paymentNotFound();
    const [transitions, refunds, webhookEvents] = await Promise.all([
      this.payments.history(paymentId),
      this.refunds.listForPayment(paymentId),
      payment.providerPaymentId
        ? this.webhooks.listForProviderPayment(payment.provider, payment.providerPaymentId)
        : Promise.resolve([]),
    ]);
    return {
      transitions: transitions.map((event) => ({
        id: event.id,
        fromStatus: event.fromStatus,
        toStatus: event.toStatus,
        source: event.source,
        providerEventId: event.providerEventId,
        createdAt: event.createdAt,
      })),
      refunds: refunds.map((refund) => ({
        id: refund.id,
        paymentId: refund.paymentId,
        amount: refund.amount,
        currency: payment.currency,
        status: refund.status,
        reason: refund.reason,
        createdAt: refund.createdAt,
        updatedAt: refund.updatedAt,
      })),
      webhookEvents: webhookEvents.map((w) => ({
        id: w.id,
        eventId: w.eventId,
        type: w.type,
        status: w.status,
        attempts: w.attempts,
        lastError: w.lastError,
        createdAt: w.createdAt,
      })),
    };
  }
}
