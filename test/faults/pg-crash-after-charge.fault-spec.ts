import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { eventually, report, sleep, Stack, type Answer } from './stack.js';
import { StripeSim } from './stripe-sim.js';

// 5. PostgreSQL killed right after the payment provider accepted a charge; the client retries
// with the same Idempotency-Key: one charge at the provider, one payment row, the retry gets the
// stored or a consistent answer; reconciliation settles anything left in between.
let s: Stack;
let sim: StripeSim;

beforeAll(async () => {
  sim = await new StripeSim().start();
  s = await Stack.start({ stripe: sim.api, env: { STRIPE_MAX_NETWORK_RETRIES: '0' } });
});

afterAll(async () => {
  await s?.stop();
  await sim?.stop();
});

/** A consistent answer to the retried confirm: the charged payment, or "still in flight". */
function consistent(a: Answer, paymentId: string): boolean {
  if (a.status === 200) return a.body?.id === paymentId && a.body?.status === 'succeeded';
  if (a.status === 409) return a.headers?.get('retry-after') !== null;
  return false;
}

it('charges once and keeps one payment when PostgreSQL dies after the provider charged', async () => {
  const user = await s.signUp();
  const created = await s.call('POST', '/api/v1/payments', {
    token: user.token,
    headers: { 'idempotency-key': randomUUID() },
    body: { amount: 4200, currency: 'usd', description: 'Crash test' },
  });
  expect(created.status).toBe(201);
  const paymentId = String(created.body?.id);

  // The provider charges the card, then PostgreSQL dies before the app can record it.
  let killedAt = 0;
  sim.afterCharge = async () => {
    sim.afterCharge = null;
    await s.pg.stopImmediate();
    killedAt = Date.now();
  };
  const key = randomUUID();
  const confirm = () =>
    s.call('POST', `/api/v1/payments/${paymentId}/confirm`, {
      token: user.token,
      headers: { 'idempotency-key': key },
      body: { paymentMethod: 'pm_card_visa' },
      timeoutMs: 20_000,
    });
  const first = await confirm();
  expect(killedAt).toBeGreaterThan(0);
  await sleep(1000);
  await s.pg.restart();
  const restartedAt = Date.now();

  // The client retries with the same key, honouring Retry-After, until an answer is not a 5xx.
  const retries: Answer[] = [];
  let last: Answer = first;
  while (Date.now() - restartedAt < 20_000) {
    last = await confirm();
    retries.push(last);
    if (last.status !== 0 && last.status < 500) break;
    await sleep(500);
  }

  // Reconciliation settles the payment from the provider's truth.
  const settled = await eventually(async () => {
    const [row] = await s.sql<{ status: string }>(`SELECT status FROM payments WHERE id = $1`, [
      paymentId,
    ]);
    return row?.status === 'succeeded';
  }, 20_000);
  const rows = await s.sql<{ n: number }>(
    `SELECT count(*)::int AS n FROM payments WHERE user_id = $1`,
    [user.userId],
  );
  const transitions = await s.sql<{ to_status: string; source: string }>(
    `SELECT to_status, source FROM payment_events WHERE payment_id = $1 ORDER BY created_at`,
    [paymentId],
  );
  const counts = {
    firstAnswer: first.status || first.error,
    firstAnswerMs: first.ms,
    retries: retries.map((r) => r.status || r.error),
    lastRetry: {
      status: last.status,
      body: last.status === 200 ? last.body?.status : last.body?.type,
    },
    providerCharges: sim.charges,
    providerConfirmRequests: sim.confirmRequests,
    paymentRows: rows[0]?.n,
    settledByReconciliation: settled,
    transitions: transitions.map((t) => `${t.to_status}/${t.source}`),
  };
  report('5 PostgreSQL killed after the provider charged', counts);
  expect(sim.charges).toBe(1);
  expect(rows[0]?.n).toBe(1);
  expect(consistent(last, paymentId)).toBe(true);
  expect(settled).toBe(true);
  expect(transitions.filter((t) => t.to_status === 'succeeded')).toHaveLength(1);
});
