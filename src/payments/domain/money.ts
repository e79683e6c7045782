/**
 * Money rules: amounts are integers in minor units (cents), currencies lowercase ISO 4217 codes
 * from a configured allowlist. Floats never represent money here.
 */

/**
 * Upper bound per payment: 99,999,999.99 in a two-decimal currency. Stripe's own limit is of this
 * order, and it keeps every sum of refunds far inside Number.MAX_SAFE_INTEGER, so plain JS numbers
 * stay exact even though the column is a bigint.
 */
export const MAX_AMOUNT_MINOR = 99_999_999_99;

export type MoneyErrorCode =
  | 'amount_not_integer'
  | 'amount_not_positive'
  | 'amount_too_large'
  | 'currency_malformed'
  | 'currency_not_allowed'
  | 'refund_exceeds_remaining';

export class MoneyError extends Error {
  constructor(
    readonly code: MoneyErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'MoneyError';
  }
}

/** Returns the amount unchanged when it is a valid payment amount in minor units, else throws. */
export function validateAmount(amount: number): number {
  if (!Number.isInteger(amount)) {
    throw new MoneyError('amount_not_integer', 'amount must be an integer in minor units');
  }
  if (amount <= 0) throw new MoneyError('amount_not_positive', 'amount must be greater than 0');
  if (amount > MAX_AMOUNT_MINOR) {
    throw new MoneyError('amount_too_large', `amount must be at most ${MAX_AMOUNT_MINOR}`);
  }
  return amount;
}

/**
 * Reads a bigint column value: node-postgres returns int8 as a string so that nothing is silently
 * rounded; anything beyond the safe-integer range is refused rather than rounded here either.
 */
export function amountFromDb(value: string | number | bigint): number {
  const text = typeof value === 'string' ? value.trim() : String(value);
  if (!/^-?\d+$/.test(text)) throw new RangeError(`not an integer amount: ${text}`);
  const big = BigInt(text);
  if (big > BigInt(Number.MAX_SAFE_INTEGER) || big < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new RangeError(`amount outside the safe integer range: ${text}`);
  }
  return Number(big);
}

/** Lowercases and trims a currency code and checks it against the allowlist (itself normalised). */
export function normalizeCurrency(input: string, allowed: readonly string[]): string {
  const code = input.trim().toLowerCase();
  if (!/^[a-z]{3}$/.test(code)) {
    throw new MoneyError('currency_malformed', 'currency must be a 3-letter ISO 4217 code');
  }
  if (!allowed.some((a) => a.trim().toLowerCase() === code)) {
    throw new MoneyError('currency_not_allowed', `currency ${code} is not accepted`);
  }
  return code;
}

export interface CountedRefund {
  amount: number;
  status: 'pending' | 'succeeded' | 'failed';
}

/**
 * What may still be refunded. Pending refunds count as spent: a pending refund may still succeed,
 * and counting it later would let two concurrent refunds over-refund.
 */
export function remainingRefundable(amount: number, refunds: readonly CountedRefund[]): number {
  validateAmount(amount);
  const committed = refunds
    .filter((r) => r.status !== 'failed')
    .reduce((sum, r) => sum + validateAmount(r.amount), 0);
  if (committed > amount) {
    throw new RangeError(`refunds (${committed}) already exceed the amount (${amount})`);
  }
  return amount - committed;
}

/**
 * The amount of a new refund: the request, or everything remaining when it names no amount.
 * Throws when the request would refund more than was paid.
 */
export function refundAmountFor(
  amount: number,
  refunds: readonly CountedRefund[],
  requested?: number,
): number {
  const remaining = remainingRefundable(amount, refunds);
  const wanted = requested === undefined ? remaining : validateAmount(requested);
  if (wanted === 0 || wanted > remaining) {
    throw new MoneyError(
      'refund_exceeds_remaining',
      `refund of ${wanted} exceeds the refundable remainder of ${remaining}`,
    );
  }
  return wanted;
}
