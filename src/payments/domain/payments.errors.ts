import { DomainError } from '../../common/errors/domain-error.js';
import type { PaymentOperation } from '../entities/payment.entity.js';
import type { ProviderRequestError } from '../providers/payment-provider.js';
import type { MoneyError } from './money.js';

export const paymentNotFound = (): DomainError =>
  new DomainError({ kind: 'not-found', code: 'payment-not-found', detail: 'No such payment.' });

export const paymentStateConflict = (detail: string): DomainError =>
  new DomainError({ kind: 'conflict', code: 'payment-state-conflict', detail });

/** Only admins list another user's payments. */
export const userFilterForbidden = (): DomainError =>
  new DomainError({
    kind: 'forbidden',
    code: 'forbidden',
    detail: 'Only admins may filter by user.',
  });

/** Seconds a client waits before retrying while another operation on the payment runs. */
export const OPERATION_RETRY_AFTER_S = 1;

const OPERATION_VERB: Record<PaymentOperation, string> = {
  confirm: 'confirming',
  cancel: 'canceling',
};

/** Another request is calling the provider for this payment right now: nothing was done. */
export const paymentOperationInProgress = (running: PaymentOperation): DomainError =>
  new DomainError({
    kind: 'conflict',
    code: 'payment-operation-in-progress',
    detail:
      `Another request is ${OPERATION_VERB[running]} this payment right now; nothing was done. ` +
      'Retry after it finishes to see its outcome.',
    retryAfterSeconds: OPERATION_RETRY_AFTER_S,
  });

/** Seconds a client waits before retrying a call the provider did not answer. */
const PROVIDER_RETRY_AFTER_S = 5;

export const providerUnavailable = (): DomainError =>
  new DomainError({
    kind: 'unavailable',
    code: 'payment-provider-unavailable',
    detail: 'The payment provider did not answer. Retry with the same Idempotency-Key.',
    retryAfterSeconds: PROVIDER_RETRY_AFTER_S,
  });

const MONEY_FIELD: Record<MoneyError['code'], string> = {
  amount_not_integer: 'amount',
  amount_not_positive: 'amount',
  amount_too_large: 'amount',
  currency_malformed: 'currency',
  currency_not_allowed: 'currency',
  refund_exceeds_remaining: 'amount',
};

/** Money rule violations: a refund beyond what is left is a state conflict, the rest bad input. */
export function moneyProblem(error: MoneyError): DomainError {
  if (error.code === 'refund_exceeds_remaining') {
    return new DomainError({
      kind: 'conflict',
      code: 'refund-exceeds-remaining',
      detail: error.message,
    });
  }
  return new DomainError({
    kind: 'invalid',
    code: 'validation-failed',
    detail: error.message,
    fields: [{ field: MONEY_FIELD[error.code], message: error.message }],
  });
}

/** A provider refusal of the request itself (not a decline, not an outage). */
export function providerRequestProblem(error: ProviderRequestError): DomainError {
  return new DomainError({
    kind: error.code === 'resource_missing' ? 'invalid' : 'conflict',
    code: 'payment-provider-rejected',
    detail: error.message,
  });
}

/** A webhook for a provider other than the configured one. */
export const unknownPaymentProvider = (providerName: string): DomainError =>
  new DomainError({
    kind: 'not-found',
    code: 'unknown-payment-provider',
    detail: `Webhooks for ${providerName} are not accepted here.`,
  });

export const invalidWebhookSignature = (): DomainError =>
  new DomainError({
    kind: 'invalid',
    code: 'invalid-webhook-signature',
    detail: 'The webhook signature is missing, invalid or too old.',
  });

/** Thrown when a provider refund event names a refund we have not linked yet: retry later. */
export class RefundNotYetRecordedError extends Error {}

/** An event for a payment we have not linked to its intent yet (our create still in flight). */
export class PaymentNotYetKnownError extends Error {}
