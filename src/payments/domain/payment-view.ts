import type { PaymentStatus } from './payment-status.js';
import type { Payment } from '../entities/payment.entity.js';
import type { NextAction, ProviderName } from '../providers/payment-provider.js';

/** A payment as the service layer hands it out (entities stay inside the module). */
export interface PaymentView {
  id: string;
  userId: string;
  amount: number;
  currency: string;
  description: string | null;
  metadata: Record<string, string>;
  provider: ProviderName;
  status: PaymentStatus;
  amountRefunded: number;
  clientSecret: string | null;
  nextAction: NextAction | null;
  failureCode: string | null;
  failureMessage: string | null;
  createdAt: Date;
  updatedAt: Date;
}

const AWAITING_CUSTOMER: readonly PaymentStatus[] = [
  'requires_payment_method',
  'requires_confirmation',
  'requires_action',
];

/** The client secret goes only to the owner, and only while the customer can still act. */
export function toPaymentView(payment: Payment, viewerId: string | null): PaymentView {
  const showSecret = viewerId === payment.userId && AWAITING_CUSTOMER.includes(payment.status);
  return {
    id: payment.id,
    userId: payment.userId,
    amount: payment.amount,
    currency: payment.currency,
    description: payment.description,
    metadata: payment.metadata,
    provider: payment.provider,
    status: payment.status,
    amountRefunded: payment.amountRefunded,
    clientSecret: showSecret ? payment.clientSecret : null,
    nextAction: payment.nextAction,
    failureCode: payment.failureCode,
    failureMessage: payment.failureMessage,
    createdAt: payment.createdAt,
    updatedAt: payment.updatedAt,
  };
}
