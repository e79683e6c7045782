import type { ProviderRefundStatus, RefundReason } from '../providers/payment-provider.js';

/** A refund as the service layer hands it out. */
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

/** What the provider said of a refund call or event. */
export interface ProviderRefundOutcome {
  providerRefundId: string | null;
  status: ProviderRefundStatus;
  failureReason?: string;
}
