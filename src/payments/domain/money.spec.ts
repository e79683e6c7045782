import { describe, it, expect } from '@jest/globals';
import fc from 'fast-check';
import {
  MAX_AMOUNT_MINOR,
  MoneyError,
  amountFromDb,
  normalizeCurrency,
  refundAmountFor,
  remainingRefundable,
  validateAmount,
} from './money.js';
import type { CountedRefund } from './money.js';

const code = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (e) {
    return e instanceof MoneyError ? e.code : `not a MoneyError: ${String(e)}`;
  }
  return undefined;
};

describe('validateAmount', () => {
  it('accepts positive integers up to the maximum', () => {
    expect(validateAmount(1)).toBe(1);
    expect(validateAmount(1999)).toBe(1999);
    expect(validateAmount(MAX_AMOUNT_MINOR)).toBe(MAX_AMOUNT_MINOR);
  });

  it.each([
    [0, 'amount_not_positive'],
    [-5, 'amount_not_positive'],
    [19.99, 'amount_not_integer'],
    [Number.NaN, 'amount_not_integer'],
    [Number.POSITIVE_INFINITY, 'amount_not_integer'],
    [MAX_AMOUNT_MINOR + 1, 'amount_too_large'],
    [Number.MAX_SAFE_INTEGER + 2, 'amount_too_large'],
  ])('refuses %p (%s)', (amount, expected) => {
    expect(code(() => validateAmount(amount))).toBe(expected);
  });

  it('keeps the maximum far inside the safe-integer range, so sums stay exact', () => {
    expect(MAX_AMOUNT_MINOR * 1000).toBeLessThan(Number.MAX_SAFE_INTEGER);
  });
});

describe('amountFromDb', () => {
  it('reads pg bigint strings, numbers and bigints', () => {
    expect(amountFromDb('1999')).toBe(1999);
    expect(amountFromDb(42)).toBe(42);
    expect(amountFromDb(10n)).toBe(10);
  });

  it('refuses values it cannot represent exactly', () => {
    expect(() => amountFromDb('9007199254740993')).toThrow(RangeError);
    expect(() => amountFromDb('12.5')).toThrow(RangeError);
    expect(() => amountFromDb('1e3')).toThrow(RangeError);
  });
});

describe('normalizeCurrency', () => {
  const allowed = ['usd', 'EUR', 'gbp'];

  it('lowercases and trims an allowed code', () => {
    expect(normalizeCurrency('USD', allowed)).toBe('usd');
    expect(normalizeCurrency(' eur ', allowed)).toBe('eur');
  });

  it.each([
    ['us', 'currency_malformed'],
    ['usdd', 'currency_malformed'],
    ['u$d', 'currency_malformed'],
    ['', 'currency_malformed'],
    ['jpy', 'currency_not_allowed'],
  ])('refuses %p (%s)', (input, expected) => {
    expect(code(() => normalizeCurrency(input, allowed))).toBe(expected);
  });
});

describe('refund arithmetic', () => {
  const r = (amount: number, status: CountedRefund['status']): CountedRefund => ({
    amount,
    status,
  });

  it('counts succeeded and pending refunds, not failed ones', () => {
    expect(remainingRefundable(1000, [])).toBe(1000);
    expect(
      remainingRefundable(1000, [r(300, 'succeeded'), r(200, 'pending'), r(500, 'failed')]),
    ).toBe(500);
    expect(remainingRefundable(1000, [r(1000, 'succeeded')])).toBe(0);
  });

  it('refunds the remainder when no amount is named, and refuses an over-refund', () => {
    expect(refundAmountFor(1000, [r(400, 'succeeded')])).toBe(600);
    expect(refundAmountFor(1000, [r(400, 'succeeded')], 600)).toBe(600);
    expect(code(() => refundAmountFor(1000, [r(400, 'pending')], 601))).toBe(
      'refund_exceeds_remaining',
    );
    expect(code(() => refundAmountFor(1000, [r(1000, 'succeeded')]))).toBe(
      'refund_exceeds_remaining',
    );
    expect(code(() => refundAmountFor(1000, [], 0))).toBe('amount_not_positive');
  });

  it('never lets accepted refunds exceed the amount, whatever is requested', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: MAX_AMOUNT_MINOR }),
        fc.array(
          fc.tuple(fc.option(fc.integer({ min: -10, max: MAX_AMOUNT_MINOR })), fc.boolean()),
        ),
        (amount, requests) => {
          const accepted: CountedRefund[] = [];
          for (const [requested, fails] of requests) {
            try {
              const value = refundAmountFor(amount, accepted, requested ?? undefined);
              accepted.push(r(value, fails ? 'failed' : 'pending'));
            } catch (e) {
              if (!(e instanceof MoneyError)) throw e;
            }
          }
          const committed = amount - remainingRefundable(amount, accepted);
          return committed <= amount && committed >= 0;
        },
      ),
    );
  });
});
