/**
 * The payment status machine: one pure function decides whether a status change, wherever it
 * comes from (our API, a webhook, reconciliation), is applied, ignored as stale, or rejected.
 *
 * Shape of the machine: statuses are ordered by progress (PROGRESS below). Every legal edge moves
 * strictly forward, and every forward edge between two states that can appear on one real gateway
 * history is legal. That is what makes out-of-order webhooks converge: events behind the current
 * status are ignored, events ahead of it are applied, so any shuffle of one true history ends in
 * its true final status.
 *
 * Shortcuts we accept because real gateways produce them (Stripe does all of these):
 * - requires_payment_method → requires_action | processing | succeeded | failed: create-and-confirm
 *   in one call, or a webhook that overtakes our own confirm response.
 * - requires_confirmation → succeeded | failed | processing: synchronous card confirmation.
 * - requires_action → processing | succeeded | failed: the customer passed (or failed) 3-D Secure.
 * - succeeded → refunded: a full refund in one step.
 *
 * What is rejected (an illegal API action, or a provider event contradicting a final outcome, which
 * the webhook processor must treat as "in doubt": re-fetch the intent and alert):
 * - canceled from processing or any later state (a gateway cannot cancel money already moving);
 * - refund states from anything but succeeded / partially_refunded;
 * - one final outcome replacing another (failed ↔ succeeded, canceled ↔ succeeded, ...).
 */

export const PAYMENT_STATUSES = [
  'requires_payment_method',
  'requires_confirmation',
  'requires_action',
  'processing',
  'succeeded',
  'failed',
  'canceled',
  'partially_refunded',
  'refunded',
] as const;

export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

export type TransitionDecision =
  { kind: 'apply' } | { kind: 'ignore'; reason: string } | { kind: 'reject'; reason: string };

const PROGRESS: Record<PaymentStatus, number> = {
  requires_payment_method: 0,
  requires_confirmation: 1,
  requires_action: 2,
  processing: 3,
  succeeded: 4,
  failed: 4,
  canceled: 4,
  partially_refunded: 5,
  refunded: 6,
};

const LEGAL: Record<PaymentStatus, readonly PaymentStatus[]> = {
  requires_payment_method: [
    'requires_confirmation',
    'requires_action',
    'processing',
    'succeeded',
    'failed',
    'canceled',
  ],
  requires_confirmation: ['requires_action', 'processing', 'succeeded', 'failed', 'canceled'],
  requires_action: ['processing', 'succeeded', 'failed', 'canceled'],
  processing: ['succeeded', 'failed'],
  succeeded: ['partially_refunded', 'refunded'],
  failed: [],
  canceled: [],
  partially_refunded: ['refunded'],
  refunded: [],
};

/** Statuses in which the money question is settled; only refunds move on from here. */
export const FINAL_STATUSES: readonly PaymentStatus[] = [
  'succeeded',
  'failed',
  'canceled',
  'partially_refunded',
  'refunded',
];

const PAID: readonly PaymentStatus[] = ['succeeded', 'partially_refunded', 'refunded'];

export function isPaymentStatus(value: unknown): value is PaymentStatus {
  return typeof value === 'string' && (PAYMENT_STATUSES as readonly string[]).includes(value);
}

export function isFinal(status: PaymentStatus): boolean {
  return FINAL_STATUSES.includes(status);
}

export function transition(from: PaymentStatus, to: PaymentStatus): TransitionDecision {
  if (from === to) return { kind: 'ignore', reason: `already ${to}` };
  if (LEGAL[from].includes(to)) return { kind: 'apply' };
  if (isStale(from, to)) return { kind: 'ignore', reason: `stale ${to} after ${from}` };
  return { kind: 'reject', reason: `illegal transition ${from} → ${to}` };
}

/** The status after an event: the decision folded into a value, for callers and property tests. */
export function nextStatus(from: PaymentStatus, to: PaymentStatus): PaymentStatus {
  return transition(from, to).kind === 'apply' ? to : from;
}

// A step back that a real history could have produced before the current status: a late event.
// A different final outcome (failed after succeeded) is not "late", it is a contradiction.
function isStale(from: PaymentStatus, to: PaymentStatus): boolean {
  if (PROGRESS[to] >= PROGRESS[from]) return false;
  if (!isFinal(to)) return true;
  return PAID.includes(from) && PAID.includes(to);
}

export type RefundedStatus = 'succeeded' | 'partially_refunded' | 'refunded';

/** The status of a paid payment given how much of it has been refunded (minor units). */
export function refundStatusFor(amount: number, amountRefunded: number): RefundedStatus {
  if (!Number.isSafeInteger(amount) || amount <= 0)
    throw new RangeError(`invalid amount ${amount}`);
  if (!Number.isSafeInteger(amountRefunded) || amountRefunded < 0 || amountRefunded > amount) {
    throw new RangeError(`invalid refunded amount ${amountRefunded} of ${amount}`);
  }
  if (amountRefunded === 0) return 'succeeded';
  return amountRefunded === amount ? 'refunded' : 'partially_refunded';
}

/** Guards for API actions, so the service answers 409 before it calls the provider. */
export const canConfirm = (s: PaymentStatus): boolean =>
  s === 'requires_payment_method' || s === 'requires_confirmation' || s === 'requires_action';
export const canCancel = (s: PaymentStatus): boolean => transition(s, 'canceled').kind === 'apply';
export const canRefund = (s: PaymentStatus): boolean =>
  s === 'succeeded' || s === 'partially_refunded';
