import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { ManualClock } from '../src/common/clock.js';
import { refundStatusFor } from '../src/payments/domain/payment-status.js';
import { toProblem } from '../src/http/problem-details.filter.js';
import { PaymentsService } from '../src/payments/checkout/payments.service.js';
import { RefundsService } from '../src/payments/refunds/refunds.service.js';
import { insertUser } from './support/factories.js';
import { paymentRow, refundsOf } from './support/rows.js';
import { createTestApp, type TestApp } from './support/test-app.js';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp(
    { PAYMENTS_RECONCILE_EVERY_MS: '3600000' },
    { clock: new ManualClock(new Date()) },
  );
});

afterAll(async () => {
  await t?.close();
});

describe('concurrent refunds (property)', () => {
  it('never refund more than was paid, whatever runs at once', async () => {
    const payments = t.app.get(PaymentsService);
    const refunds = t.app.get(RefundsService);
    const user = await insertUser(t.app);
    const admin = await insertUser(t.app, { role: 'admin' });
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 5000 }),
        fc.array(fc.option(fc.integer({ min: 1, max: 3000 }), { nil: undefined }), {
          minLength: 1,
          maxLength: 8,
        }),
        async (amount, requests) => {
          const payment = await payments.create(user.id, { amount, currency: 'usd' });
          await payments.confirm(user.id, payment.id, 'pm_card_visa');
          const outcomes = await Promise.allSettled(
            requests.map((r) => refunds.create(admin.id, payment.id, { amount: r })),
          );
          const rows = await refundsOf(t.app, payment.id);
          const committed = rows
            .filter((r) => r.status !== 'failed')
            .reduce((sum, r) => sum + Number(r.amount), 0);
          const row = await paymentRow(t.app, payment.id);
          expect(committed).toBeLessThanOrEqual(amount);
          expect(Number(row.amount_refunded)).toBe(
            rows.filter((r) => r.status === 'succeeded').reduce((s, r) => s + Number(r.amount), 0),
          );
          expect(row.status).toBe(refundStatusFor(amount, Number(row.amount_refunded)));
          // A refusal is a 409 (nothing left, or not that much left), never an error.
          for (const o of outcomes) {
            if (o.status === 'rejected' && toProblem(o.reason).status !== 409) {
              throw o.reason;
            }
          }
          expect(rows).toHaveLength(outcomes.filter((o) => o.status === 'fulfilled').length);
          // Whatever was refused did not fit in what was left (what is left only shrinks).
          const remaining = amount - committed;
          requests.forEach((r, i) => {
            if (outcomes[i].status === 'rejected') {
              expect(r === undefined ? remaining === 0 : r > remaining).toBe(true);
            }
          });
        },
      ),
      { numRuns: 15 },
    );
  }, 60_000);
});
