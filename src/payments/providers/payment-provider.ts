import type { PaymentStatus } from '../domain/payment-status.js';

/**
 * The port every payment gateway adapter implements; the abstract class doubles as the DI token.
 *
 * Error contract, the same for every adapter:
 * - ProviderDeclinedError: permanent, the payment method was refused; the payment is `failed`.
 * - ProviderUnavailableError: we do not know whether the gateway acted (timeout, connection
 *   error, 5xx, rate limit). The payment stays `processing` and reconciliation asks again;
 *   retrying with the same idempotency key is safe.
 * - ProviderRequestError: the gateway understood and refused the request (4xx): our bug or a
 *   state conflict (cancel after capture). Retrying the same request does not help.
 *
 * Every mutating call takes the caller's idempotency key, derived from our ids and persisted
 * before the call (`payment:<id>:create`, `payment:<id>:confirm:<n>`, `refund:<id>`), so a
 * retry after a crash cannot move money twice.
 */

export type ProviderName = 'stripe' | 'sandbox';
export type ProviderRefundStatus = 'pending' | 'succeeded' | 'failed';
export type RefundReason = 'duplicate' | 'fraudulent' | 'requested_by_customer';
export type WebhookHeaders = Record<string, string | string[] | undefined>;

export interface CreateIntentInput {
  paymentId: string;
  amount: number;
  currency: string;
  description?: string;
  idempotencyKey: string;
}

export interface CreateIntentResult {
  providerPaymentId: string;
  status: PaymentStatus;
  /** Handed to the client SDK for client-side confirmation; null when the provider needs none. */
  clientSecret: string | null;
}

export interface ConfirmInput {
  providerPaymentId: string;
  paymentMethod: string;
  idempotencyKey: string;
}

/** What the client must do next (3-D Secure), when status is `requires_action`. */
export interface NextAction {
  type: string;
  redirectUrl?: string;
}

export interface ConfirmResult {
  status: PaymentStatus;
  nextAction: NextAction | null;
}

export interface CancelInput {
  providerPaymentId: string;
  idempotencyKey: string;
}

export interface RetrieveResult {
  status: PaymentStatus;
  amount: number;
  currency: string;
  amountRefunded: number;
}

export interface RefundInput {
  providerPaymentId: string;
  amount: number;
  idempotencyKey: string;
  reason?: RefundReason;
}

export interface RefundResult {
  providerRefundId: string;
  status: ProviderRefundStatus;
}

/**
 * A verified webhook event in our terms. `kind` says what the processor should do with it:
 * `payment` carries the intent's new status, `refund` a refund's, `other` is acknowledged and
 * otherwise ignored (gateways send many event types we do not subscribe to logic for).
 */
export interface ProviderEvent {
  id: string;
  /** The provider's own event type, kept for the record and the logs. */
  type: string;
  kind: 'payment' | 'refund' | 'other';
  providerPaymentId: string | null;
  status?: PaymentStatus;
  refund?: { providerRefundId: string; amount: number; status: ProviderRefundStatus };
  createdAt: Date;
}

export abstract class PaymentProvider {
  abstract readonly name: ProviderName;

  abstract createIntent(input: CreateIntentInput): Promise<CreateIntentResult>;
  abstract confirm(input: ConfirmInput): Promise<ConfirmResult>;
  abstract cancel(input: CancelInput): Promise<{ status: PaymentStatus }>;
  abstract retrieve(providerPaymentId: string): Promise<RetrieveResult>;
  abstract refund(input: RefundInput): Promise<RefundResult>;
  /** Throws WebhookSignatureError unless the raw body carries a valid, fresh signature. */
  abstract verifyWebhook(rawBody: Buffer, headers: WebhookHeaders): ProviderEvent;
}

export class ProviderError extends Error {
  constructor(
    message: string,
    readonly provider: ProviderName,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class ProviderDeclinedError extends ProviderError {
  constructor(
    provider: ProviderName,
    readonly declineCode: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, provider, options);
  }
}

export class ProviderUnavailableError extends ProviderError {}

export class ProviderRequestError extends ProviderError {
  constructor(
    provider: ProviderName,
    readonly code: string,
    message: string,
    readonly statusCode?: number,
    options?: { cause?: unknown },
  ) {
    super(message, provider, options);
  }
}

export type WebhookSignatureFailure = 'missing' | 'invalid' | 'malformed_payload';

export class WebhookSignatureError extends Error {
  constructor(
    readonly reason: WebhookSignatureFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'WebhookSignatureError';
  }
}
