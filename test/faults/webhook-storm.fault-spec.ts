import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { eventually, report, Stack, WEBHOOK_SECRET } from './stack.js';
import { StripeSim } from './stripe-sim.js';

// 7. Webhook storm: the same provider event 5× at once, lifecycle events shuffled, stale and
// tampered copies: one transition per event, the provider's final state, no side effects from
// the bad copies.
let s: Stack;
let sim: StripeSim;

beforeAll(async () => {
  sim = await new StripeSim().start();
  // Reconciliation stays out of the way: only the webhooks move the payment here.
  s = await Stack.start({ stripe: sim.api, env: { PAYMENTS_STUCK_AFTER_MS: '600000' } });
});

afterAll(async () => {
  await s?.stop();
  await sim?.stop();
});

/** A seeded shuffle (mulberry32), so that a failing order can be replayed. */
function shuffle<T>(items: T[], seed: number): T[] {
  let a = seed >>> 0;
  const random = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

it('applies each event once and ends in the provider’s final state, ignoring bad copies', async () => {
  const user = await s.signUp();
  const created = await s.call('POST', '/api/v1/payments', {
    token: user.token,
    headers: { 'idempotency-key': randomUUID() },
    body: { amount: 2500, currency: 'usd', description: 'Storm' },
  });
  expect(created.status).toBe(201);
  const paymentId = String(created.body?.id);
  const intent = sim.intentOf(paymentId);
  if (!intent) throw new Error('the provider never saw the intent');
  // The provider's truth: the charge went through.
  intent.status = 'succeeded';

  const now = Math.floor(Date.now() / 1000);
  const processing = sim.event(intent, 'payment_intent.processing', 'processing', {
    id: `evt_proc_${randomUUID()}`,
    created: now - 2,
    secret: WEBHOOK_SECRET,
  });
  const succeeded = sim.event(intent, 'payment_intent.succeeded', 'succeeded', {
    id: `evt_ok_${randomUUID()}`,
    created: now - 1,
    secret: WEBHOOK_SECRET,
  });
  // Bad copies: a replay signed an hour ago, a body altered after signing, a foreign signature.
  const stale = sim.event(intent, 'payment_intent.payment_failed', 'requires_payment_method', {
    id: `evt_stale_${randomUUID()}`,
    created: now - 3600,
    secret: WEBHOOK_SECRET,
    signedAt: now - 3600,
  });
  const tampered = {
    payload: succeeded.payload
      .replace('"succeeded"', '"canceled"')
      .replace('.succeeded', '.canceled'),
    signature: succeeded.signature,
  };
  const forged = sim.event(intent, 'payment_intent.canceled', 'canceled', {
    id: `evt_forged_${randomUUID()}`,
    created: now,
    secret: 'whsec_somebody_else_entirely',
  });

  const good = [...Array(5).fill(processing), ...Array(5).fill(succeeded)] as Array<
    typeof succeeded
  >;
  const bad = [stale, tampered, forged, stale, tampered];
  const seed = Number(process.env.FAULTS_SEED ?? Date.now() % 100_000);
  const storm = shuffle(
    [...good.map((e) => ({ e, good: true })), ...bad.map((e) => ({ e, good: false }))],
    seed,
  );
  const answers = await Promise.all(
    storm.map(({ e, good }) =>
      s
        .call('POST', '/api/v1/payments/webhooks/stripe', {
          body: e.payload,
          headers: { 'stripe-signature': e.signature },
        })
        .then((a) => ({ good, status: a.status })),
    ),
  );

  const settled = await eventually(async () => {
    const rows = await s.sql<{ status: string }>(
      `SELECT status FROM webhook_events WHERE status IN ('pending', 'failed')`,
    );
    return rows.length === 0;
  }, 20_000);
  const [payment] = await s.sql<{ status: string }>(`SELECT status FROM payments WHERE id = $1`, [
    paymentId,
  ]);
  const transitions = await s.sql<{ provider_event_id: string | null; to_status: string }>(
    `SELECT provider_event_id, to_status FROM payment_events WHERE payment_id = $1 AND source = 'webhook'`,
    [paymentId],
  );
  const stored = await s.sql<{ event_id: string }>(`SELECT event_id FROM webhook_events`);
  const perEvent = new Map<string, number>();
  for (const t of transitions) {
    const id = t.provider_event_id ?? '';
    perEvent.set(id, (perEvent.get(id) ?? 0) + 1);
  }
  // The "Payment received" mail: one, whatever the number of copies.
  await eventually(
    () => s.smtp.mailsTo(user.email).some((m) => /payment/i.test(m.subject)),
    10_000,
  );
  await new Promise((r) => setTimeout(r, 1500));
  const paymentMails = s.smtp.mailsTo(user.email).filter((m) => /payment/i.test(m.subject));

  const counts = {
    seed,
    requests: answers.length,
    goodAccepted: answers.filter((a) => a.good && a.status === 200).length,
    goodOther: answers.filter((a) => a.good && a.status !== 200).map((a) => a.status),
    badRejected400: answers.filter((a) => !a.good && a.status === 400).length,
    badOther: answers.filter((a) => !a.good && a.status !== 400).map((a) => a.status),
    storedEvents: stored.length,
    webhookTransitions: transitions.map((t) => t.to_status),
    maxTransitionsPerEvent: Math.max(0, ...perEvent.values()),
    finalStatus: payment?.status,
    providerStatus: intent.status,
    paymentMails: paymentMails.length,
  };
  report('7 webhook storm', counts);
  expect(settled).toBe(true);
  expect(counts).toMatchObject({
    goodAccepted: 10,
    badRejected400: 5,
    storedEvents: 2,
    maxTransitionsPerEvent: 1,
    finalStatus: 'succeeded',
    paymentMails: 1,
  });
  expect(counts.webhookTransitions).not.toContain('failed');
  expect(counts.webhookTransitions).not.toContain('canceled');
});
