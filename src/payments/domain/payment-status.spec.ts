import { describe, it, expect } from '@jest/globals';
import fc from 'fast-check';
import {
  PAYMENT_STATUSES,
  canCancel,
  canConfirm,
  canRefund,
  isPaymentStatus,
  nextStatus,
  refundStatusFor,
  transition,
} from './payment-status.js';
import type { PaymentStatus } from './payment-status.js';

const status = fc.constantFrom(...PAYMENT_STATUSES);
const events = fc.array(status, { maxLength: 40 });
const run = (start: PaymentStatus, seq: readonly PaymentStatus[]): PaymentStatus[] => {
  const trail = [start];
  for (const to of seq) trail.push(nextStatus(trail[trail.length - 1], to));
  return trail;
};

/** A history a real gateway could produce: a random walk over the applied edges from the start. */
const realHistory = fc.array(fc.nat(), { maxLength: 8 }).map((picks) => {
  const path: PaymentStatus[] = ['requires_payment_method'];
  for (const pick of picks) {
    const from = path[path.length - 1];
    const options = PAYMENT_STATUSES.filter((to) => transition(from, to).kind === 'apply');
    if (options.length === 0) break;
    path.push(options[pick % options.length]);
  }
  return path;
});

describe('transition (examples)', () => {
  it.each<[PaymentStatus, PaymentStatus]>([
    ['requires_payment_method', 'requires_confirmation'],
    ['requires_confirmation', 'requires_action'],
    ['requires_action', 'processing'],
    ['processing', 'succeeded'],
    ['processing', 'failed'],
    ['requires_confirmation', 'succeeded'],
    ['requires_payment_method', 'processing'],
    ['requires_action', 'failed'],
    ['requires_action', 'canceled'],
    ['succeeded', 'partially_refunded'],
    ['partially_refunded', 'refunded'],
    ['succeeded', 'refunded'],
  ])('applies %s → %s', (from, to) => {
    expect(transition(from, to)).toEqual({ kind: 'apply' });
  });

  it.each<[PaymentStatus, PaymentStatus]>([
    ['succeeded', 'processing'],
    ['succeeded', 'requires_action'],
    ['failed', 'processing'],
    ['canceled', 'requires_confirmation'],
    ['refunded', 'partially_refunded'],
    ['refunded', 'succeeded'],
    ['processing', 'requires_action'],
    ['succeeded', 'succeeded'],
  ])('ignores the late event %s → %s', (from, to) => {
    expect(transition(from, to).kind).toBe('ignore');
  });

  it.each<[PaymentStatus, PaymentStatus]>([
    ['succeeded', 'canceled'],
    ['processing', 'canceled'],
    ['succeeded', 'failed'],
    ['failed', 'succeeded'],
    ['canceled', 'succeeded'],
    ['failed', 'refunded'],
    ['processing', 'partially_refunded'],
    ['requires_payment_method', 'refunded'],
    ['refunded', 'canceled'],
  ])('rejects %s → %s', (from, to) => {
    const decision = transition(from, to);
    expect(decision.kind).toBe('reject');
    expect(decision).toHaveProperty('reason', `illegal transition ${from} → ${to}`);
  });

  it('guards API actions', () => {
    expect(canConfirm('requires_action')).toBe(true);
    expect(canConfirm('processing')).toBe(false);
    expect(canCancel('requires_confirmation')).toBe(true);
    expect(canCancel('processing')).toBe(false);
    expect(canRefund('partially_refunded')).toBe(true);
    expect(canRefund('refunded')).toBe(false);
  });
});

describe('transition (properties over random event sequences)', () => {
  it('always yields a status of the enum', () => {
    fc.assert(
      fc.property(status, events, (start, seq) => run(start, seq).every((s) => isPaymentStatus(s))),
    );
  });

  it('never leaves the paid states except towards more refunded', () => {
    const paid = ['succeeded', 'partially_refunded', 'refunded'];
    fc.assert(
      fc.property(status, events, (start, seq) => {
        const trail = run(start, seq);
        const first = trail.findIndex((s) => paid.includes(s));
        return first < 0 || trail.slice(first).every((s) => paid.includes(s));
      }),
    );
  });

  it('keeps refunded, canceled and failed final', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<PaymentStatus>('refunded', 'canceled', 'failed'),
        events,
        (start, seq) => run(start, seq).every((s) => s === start),
      ),
    );
  });

  it('reaches refund states only through succeeded', () => {
    fc.assert(
      fc.property(events, (seq) => {
        const trail = run('requires_payment_method', seq);
        const refundAt = trail.findIndex((s) => s === 'partially_refunded' || s === 'refunded');
        return refundAt < 0 || trail.slice(0, refundAt).includes('succeeded');
      }),
    );
  });

  it('treats the same event twice as once', () => {
    fc.assert(
      fc.property(status, status, (from, to) => {
        const once = nextStatus(from, to);
        return nextStatus(once, to) === once && transition(once, to).kind !== 'apply';
      }),
    );
  });

  it('only moves forward: an ignored or rejected event changes nothing', () => {
    fc.assert(
      fc.property(status, status, (from, to) => {
        const decision = transition(from, to);
        return decision.kind === 'apply' ? from !== to : nextStatus(from, to) === from;
      }),
    );
  });

  it('ends in the true final status whatever order (and repetition) a real history arrives in', () => {
    const noRefunds = realHistory.filter(
      (path) => !path.includes('partially_refunded') && !path.includes('refunded'),
    );
    fc.assert(
      fc.property(
        noRefunds.chain((path) =>
          fc.tuple(
            fc.constant(path),
            // duplicates stand for webhooks delivered more than once
            fc
              .array(fc.constantFrom(...path), { maxLength: 5 })
              .chain((dups) =>
                fc.shuffledSubarray([...path, ...dups], { minLength: path.length + dups.length }),
              ),
          ),
        ),
        ([path, shuffled]) => {
          const trail = run('requires_payment_method', shuffled);
          return trail[trail.length - 1] === path[path.length - 1];
        },
      ),
    );
  });

  it('flags an out-of-order refund event for a re-fetch instead of applying it', () => {
    expect(transition('processing', 'refunded').kind).toBe('reject');
    expect(run('requires_payment_method', ['refunded', 'succeeded']).at(-1)).toBe('succeeded');
  });
});

describe('refundStatusFor', () => {
  it('maps refunded amounts to statuses', () => {
    expect(refundStatusFor(1999, 0)).toBe('succeeded');
    expect(refundStatusFor(1999, 1)).toBe('partially_refunded');
    expect(refundStatusFor(1999, 1998)).toBe('partially_refunded');
    expect(refundStatusFor(1999, 1999)).toBe('refunded');
  });

  it('refuses impossible amounts', () => {
    expect(() => refundStatusFor(1999, 2000)).toThrow(RangeError);
    expect(() => refundStatusFor(1999, -1)).toThrow(RangeError);
    expect(() => refundStatusFor(0, 0)).toThrow(RangeError);
    expect(() => refundStatusFor(10, 1.5)).toThrow(RangeError);
  });

  it('agrees with the machine: the computed status is reachable from succeeded', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e9 }), fc.nat(), (amount, seed) => {
        const refunded = seed % (amount + 1);
        const s = refundStatusFor(amount, refunded);
        return s === 'succeeded' || transition('succeeded', s).kind === 'apply';
      }),
    );
  });
});
