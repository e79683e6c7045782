import { ProblemException } from '../http/problem.exception.js';
import { MoneyError } from './domain/money.js';
import type { PaymentOperation } from './entities/payment.entity.js';
import {
  ProviderDeclinedError,
  ProviderRequestError,
  ProviderUnavailableError,
} from './providers/payment-provider.js';

export const paymentNotFound = (): ProblemException =>
  new ProblemException({
    status: 404,
    slug: 'payment-not-found',
    detail: 'No such payment.',
  });

export const paymentStateConflict = (detail: string): ProblemException =>
  new ProblemException({ status: 409, slug: 'payment-state-conflict', detail });

/** Seconds a client waits before retrying while another operation on the payment runs. */
export const OPERATION_RETRY_AFTER_S = 1;

const OPERATION_VERB: Record<PaymentOperation, string> = {
  confirm: 'confirming',
  cancel: 'canceling',
};

/** Another request is calling the provider for this payment right now: nothing was done. */
export const paymentOperationInProgress = (running: PaymentOperation): ProblemException =>
  new ProblemException({
    status: 409,
    slug: 'payment-operation-in-progress',
    detail:
      `Another request is ${OPERATION_VERB[running]} this payment right now; nothing was done. ` +
      'Retry after it finishes to see its outcome.',
    headers: { 'Retry-After': String(OPERATION_RETRY_AFTER_S) },
  });

export const providerUnavailable = (): ProblemException =>
  new ProblemException({
    status: 503,
    slug: 'payment-provider-unavailable',
    detail: 'The payment provider did not answer. Retry with the same Idempotency-Key.',
    headers: { 'Retry-After': '5' },
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
export function moneyProblem(error: MoneyError): ProblemException {
  if (error.code === 'refund_exceeds_remaining') {
    return new ProblemException({
      status: 409,
      slug: 'refund-exceeds-remaining',
      detail: error.message,
    });
  }
  return new ProblemException({
    status: 400,
    slug: 'validation-failed',
    detail: error.message,
    errors: [{ field: MONEY_FIELD[error.code], message: error.message }],
  });
}

/** A provider refusal of the request itself (not a decline, not an outage), as a problem. */
export function providerRequestProblem(error: ProviderRequestError): ProblemException {
  return new ProblemException({
    status: error.code === 'resource_missing' ? 400 : 409,
    slug: 'payment-provider-rejected',
    detail: error.message,
  });
}

export function isAmbiguous(error: unknown): error is ProviderUnavailableError {
  return error instanceof ProviderUnavailableError;
}

export { ProviderDeclinedError, ProviderRequestError, ProviderUnavailableError };
