import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { ManualClock } from '../src/common/clock.js';
import { signBody } from '../src/payments/providers/webhook-signature.js';
import { ReconciliationService } from '../src/payments/worker/reconciliation.service.js';
import { signUp, type SignedUp } from './support/auth.js';
import {
  paymentIdsOf,
  paymentRow,
  providerPaymentIdOf,
  webhookEventStatuses,
  webhookEventsFor,
} from './support/rows.js';
import { SmtpInbox } from './support/smtp.js';
import { createTestApp, type TestApp } from './support/test-app.js';
import { waitFor } from './support/wait.js';

let t: TestApp;
let inbox: SmtpInbox;
let db: DataSource;
const clock = new ManualClock(new Date());
let secret: string;

beforeAll(async () => {
  inbox = await SmtpInbox.start();
  t = await createTestApp(
    { SMTP_URL: inbox.url, PAYMENTS_RECONCILE_EVERY_MS: '3600000' },
    { clock },
  );
  db = t.app.get(DataSource);
  secret = t.config.payments.sandbox.webhookSecret;
});

afterAll(async () => {
  await t?.close();
  await inbox?.stop();
});

async function createPayment(
  user: SignedUp,
  body: Record<string, unknown> = { amount: 1999, currency: 'usd', description: 'Order #1' },
) {
  return t.asUser(user).post('/api/v1/payments').set('Idempotency-Key', randomUUID()).send(body);
}

async function confirm(user: SignedUp, id: string, paymentMethod: string) {
  return t
    .asUser(user)
    .post(`/api/v1/payments/${id}/confirm`)
    .set('Idempotency-Key', randomUUID())
    .send({ paymentMethod });
}

async function history(
  id: string,
): Promise<Array<{ from_status: string | null; to_status: string; source: string }>> {
  return db.query(
    `SELECT from_status, to_status, source FROM payment_events WHERE payment_id = $1 ORDER BY created_at, id`,
    [id],
  );
}

async function receipts(idempotencyKey: string): Promise<number> {
  const [row] = await db.query(
    `SELECT count(*)::int AS n FROM outbox_events
      WHERE type = 'notifications.requested' AND payload->>'idempotencyKey' = $1`,
    [idempotencyKey],
  );
  return row.n as number;
}

/** A sandbox-format event, signed with the sandbox secret at the app clock's time. */
function signedEvent(type: string, object: Record<string, unknown>, at = clock.now()) {
  const body = JSON.stringify({
    id: `evt_test_${randomUUID().replaceAll('-', '')}`,
    object: 'event',
    type,
    created: Math.floor(at.getTime() / 1000),
    data: { object },
  });
  return { body, signature: signBody(body, secret, Math.floor(at.getTime() / 1000)) };
}

function intentEvent(providerPaymentId: string, status: string) {
  const type = {
    requires_action: 'payment_intent.requires_action',
    processing: 'payment_intent.processing',
    succeeded: 'payment_intent.succeeded',
    failed: 'payment_intent.payment_failed',
  }[status];
  return signedEvent(type ?? `payment_intent.${status}`, {
    id: providerPaymentId,
    object: 'payment_intent',
    status,
    amount: 1999,
    currency: 'usd',
    amount_refunded: 0,
  });
}

function postWebhook(body: string, signature?: string) {
  const req = t.http
    .post('/api/v1/payments/webhooks/sandbox')
    .set('Content-Type', 'application/json');
  if (signature !== undefined) req.set('Stripe-Signature', signature);
  return req.send(body);
}

async function webhookCount(): Promise<number> {
  const [row] = await db.query(`SELECT count(*)::int AS n FROM webhook_events`);
  return row.n as number;
}

describe('payments (sandbox)', () => {
  it('create → confirm → webhook → succeeded → one receipt mail', async () => {
    const user = await signUp(t);
    const created = await createPayment(user, {
      amount: 1999,
      currency: 'USD',
      description: 'Order #1042',
      metadata: { orderId: '1042' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      amount: 1999,
      currency: 'usd',
      status: 'requires_payment_method',
      provider: 'sandbox',
      metadata: { orderId: '1042' },
      userId: user.userId,
    });
    expect(created.body.clientSecret).toMatch(/^pi_sbx_\w+_secret_\w+$/);
    const id = created.body.id as string;

    const confirmed = await confirm(user, id, 'pm_card_visa');
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toMatchObject({ id, status: 'succeeded', clientSecret: null });

    // The sandbox's signed webhook went through verification, storage and the Bull job.
    const providerId = await providerPaymentIdOf(t.app, id);
    await waitFor(
      async () => {
        const rows = await webhookEventsFor(t.app, providerId);
        return rows.length > 0 && rows.every((r) => r.status === 'processed');
      },
      { what: 'the webhook processed' },
    );
    expect(await history(id)).toEqual([
      { from_status: null, to_status: 'requires_payment_method', source: 'api' },
      {
        from_status: 'requires_payment_method',
        to_status: 'succeeded',
        source: expect.stringMatching(/^(api|webhook)$/),
      },
    ]);
    expect(await receipts(`payment:${id}:succeeded`)).toBe(1);
    const mail = await inbox.waitForMail(
      (m) => m.to.includes(user.email.toLowerCase()) && m.subject.startsWith('Payment received'),
      { what: 'the receipt mail' },
    );
    expect(mail.subject).toContain('19.99');
    expect(mail.text).toContain(id);
    expect(mail.text).toContain('Order #1042');
    expect(
      inbox.mailsTo(user.email).filter((m) => m.subject.startsWith('Payment received')),
    ).toHaveLength(1);

    const got = await t.asUser(user).get(`/api/v1/payments/${id}`);
    expect(got.status).toBe(200);
    expect(got.body.status).toBe('succeeded');
  });

  it('a declined card fails the payment and sends the failure receipt', async () => {
    const user = await signUp(t);
    const { body } = await createPayment(user);
    const res = await confirm(user, body.id, 'pm_card_chargeDeclined');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'failed', failureCode: 'card_declined' });
    expect(await receipts(`payment:${body.id}:failed`)).toBe(1);
    await inbox.waitForMail(
      (m) => m.to.includes(user.email.toLowerCase()) && m.subject.startsWith('Payment failed'),
      { what: 'the failure mail' },
    );
    const again = await confirm(user, body.id, 'pm_card_visa');
    expect(again.status).toBe(409);
  });

  it('3-D Secure goes through requires_action, then succeeds on the second confirm', async () => {
    const user = await signUp(t);
    const { body } = await createPayment(user);
    const first = await confirm(user, body.id, 'pm_card_authenticationRequired');
    expect(first.body).toMatchObject({
      status: 'requires_action',
      nextAction: { type: 'sandbox_authenticate' },
    });
    expect(first.body.clientSecret).toEqual(expect.any(String));
    const second = await confirm(user, body.id, 'pm_card_authenticationRequired');
    expect(second.body.status).toBe('succeeded');
  });

  it('settles asynchronously: processing, then succeeded when the reconciliation job settles it', async () => {
    const user = await signUp(t);
    const { body } = await createPayment(user);
    const res = await confirm(user, body.id, 'pm_card_processing');
    expect(res.body.status).toBe('processing');
    const reconciliation = t.app.get(ReconciliationService);
    await reconciliation.runOnce();
    expect((await paymentRow(t.app, body.id)).status).toBe('processing');
    clock.advance(t.config.payments.sandbox.settleDelayMs + 1);
    const report = await reconciliation.runOnce();
    expect(report.settled).toBeGreaterThanOrEqual(1);
    await waitFor(async () => (await paymentRow(t.app, body.id)).status === 'succeeded', {
      what: 'the settlement webhook',
    });
    expect(await receipts(`payment:${body.id}:succeeded`)).toBe(1);
  });

  it('cancels a payment awaiting the customer, and only then', async () => {
    const user = await signUp(t);
    const { body } = await createPayment(user);
    const cancel = () =>
      t
        .asUser(user)
        .post(`/api/v1/payments/${body.id}/cancel`)
        .set('Idempotency-Key', randomUUID());
    const res = await cancel();
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('canceled');
    expect((await cancel()).status).toBe(409);
    expect((await confirm(user, body.id, 'pm_card_visa')).status).toBe(409);
  });

  it('refunds partially, then fully; refuses an over-refund; admin only', async () => {
    const user = await signUp(t);
    const admin = await signUp(t, { role: 'admin' });
    const { body } = await createPayment(user, { amount: 1000, currency: 'eur' });
    await confirm(user, body.id, 'pm_card_visa');
    const refund = (who: SignedUp, payload: Record<string, unknown>) =>
      t
        .asUser(who)
        .post(`/api/v1/payments/${body.id}/refunds`)
        .set('Idempotency-Key', randomUUID())
        .send(payload);

    expect((await refund(user, { amount: 100 })).status).toBe(403);
    const partial = await refund(admin, { amount: 300, reason: 'requested_by_customer' });
    expect(partial.status).toBe(201);
    expect(partial.body).toMatchObject({ amount: 300, currency: 'eur', status: 'succeeded' });
    let row = await paymentRow(t.app, body.id);
    expect(row).toMatchObject({ status: 'partially_refunded', amount_refunded: '300' });

    const over = await refund(admin, { amount: 701 });
    expect(over.status).toBe(409);
    expect(over.body.type).toBe('urn:problem:refund-exceeds-remaining');

    const rest = await refund(admin, {});
    expect(rest.status).toBe(201);
    expect(rest.body.amount).toBe(700);
    row = await paymentRow(t.app, body.id);
    expect(row).toMatchObject({ status: 'refunded', amount_refunded: '1000' });
    expect((await refund(admin, { amount: 1 })).status).toBe(409);

    expect(await receipts(`refund:${partial.body.id}:succeeded`)).toBe(1);
    expect(await receipts(`refund:${rest.body.id}:succeeded`)).toBe(1);
    await waitFor(
      () =>
        inbox.mailsTo(user.email).filter((m) => m.subject.startsWith('Refund issued')).length === 2,
      { what: 'two refund receipts' },
    );
    const statuses = (await history(body.id)).map((h) => h.to_status);
    expect(statuses).toEqual([
      'requires_payment_method',
      'succeeded',
      'partially_refunded',
      'refunded',
    ]);
  });

  it("another user's payment is 404 everywhere; lists are per user, admins see all", async () => {
    const owner = await signUp(t);
    const other = await signUp(t);
    const admin = await signUp(t, { role: 'admin' });
    const { body } = await createPayment(owner);
    expect((await t.asUser(other).get(`/api/v1/payments/${body.id}`)).status).toBe(404);
    expect((await confirm(other, body.id, 'pm_card_visa')).status).toBe(404);
    const cancel = await t
      .asUser(other)
      .post(`/api/v1/payments/${body.id}/cancel`)
      .set('Idempotency-Key', randomUUID());
    expect(cancel.status).toBe(404);
    expect((await paymentRow(t.app, body.id)).status).toBe('requires_payment_method');

    const mine = await t.asUser(other).get('/api/v1/payments');
    expect(mine.status).toBe(200);
    expect(mine.body.data).toEqual([]);
    const filtered = await t.asUser(other).get(`/api/v1/payments?userId=${owner.userId}`);
    expect(filtered.status).toBe(403);

    const adminView = await t.asUser(admin).get(`/api/v1/payments?userId=${owner.userId}`);
    expect(adminView.body.data.map((p: { id: string }) => p.id)).toEqual([body.id]);
    expect(adminView.body.data[0].clientSecret).toBeNull();
    const adminGet = await t.asUser(admin).get(`/api/v1/payments/${body.id}`);
    expect(adminGet.status).toBe(200);
    expect((await t.http.get('/api/v1/payments')).status).toBe(401);
  });

  it('paginates newest first with a cursor and filters by status', async () => {
    const user = await signUp(t);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await createPayment(user)).body.id);
    await confirm(user, ids[0], 'pm_card_visa');
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: {
        status: number;
        body: { data: Array<{ id: string }>; nextCursor: string | null };
      } = await t.asUser(user).get(`/api/v1/payments?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      seen.push(...res.body.data.map((p: { id: string }) => p.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());
    const succeeded = await t.asUser(user).get('/api/v1/payments?status=succeeded');
    expect(succeeded.body.data.map((p: { id: string }) => p.id)).toEqual([ids[0]]);
    const bad = await t.asUser(user).get('/api/v1/payments?cursor=nonsense');
    expect(bad.status).toBe(400);
  });

  it('validates amount, currency and metadata', async () => {
    const user = await signUp(t);
    for (const body of [
      { amount: 19.99, currency: 'usd' },
      { amount: 0, currency: 'usd' },
      { amount: 100, currency: 'xyz' },
      { amount: 100, currency: 'us' },
      { amount: 100, currency: 'usd', metadata: { nested: { a: 1 } } },
      { amount: 100, currency: 'usd', extra: true },
    ]) {
      const res = await createPayment(user, body);
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
    expect(await paymentIdsOf(t.app, user.userId)).toHaveLength(0);
  });
});

describe('payment webhooks', () => {
  it('refuses missing, tampered and stale signatures with 400 and writes nothing', async () => {
    const before = await webhookCount();
    const { body, signature } = intentEvent('pi_sbx_unknown', 'succeeded');
    expect((await postWebhook(body)).status).toBe(400);
    const tampered = body.replace('succeeded', 'failed');
    const res = await postWebhook(tampered, signature);
    expect(res.status).toBe(400);
    expect(res.body.type).toBe('urn:problem:invalid-webhook-signature');
    const stale = intentEvent('pi_sbx_unknown', 'succeeded');
    const old = new Date(clock.now().getTime() - 301_000);
    const staleSig = signBody(stale.body, secret, Math.floor(old.getTime() / 1000));
    expect((await postWebhook(stale.body, staleSig)).status).toBe(400);
    const wrongSecret = signBody(
      body,
      'whsec_not_the_secret_at_all',
      Math.floor(clock.now().getTime() / 1000),
    );
    expect((await postWebhook(body, wrongSecret)).status).toBe(400);
    expect((await t.http.post('/api/v1/payments/webhooks/paypal').send({})).status).toBe(404);
    expect(await webhookCount()).toBe(before);
  });

  it('five identical deliveries at once: one stored event, one transition, one receipt', async () => {
    const user = await signUp(t);
    const { body } = await createPayment(user);
    await confirm(user, body.id, 'pm_card_processing');
    const providerId = await providerPaymentIdOf(t.app, body.id);
    const event = intentEvent(providerId, 'succeeded');
    const results = await Promise.all(
      Array.from({ length: 5 }, () => postWebhook(event.body, event.signature)),
    );
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    await waitFor(async () => (await paymentRow(t.app, body.id)).status === 'succeeded', {
      what: 'succeeded',
    });
    const eventId = (JSON.parse(event.body) as { id: string }).id;
    expect(await webhookEventStatuses(t.app, eventId)).toHaveLength(1);
    await waitFor(async () => {
      const [status] = await webhookEventStatuses(t.app, eventId);
      return status === 'processed';
    });
    const toSucceeded = (await history(body.id)).filter((h) => h.to_status === 'succeeded');
    expect(toSucceeded).toEqual([
      { from_status: 'processing', to_status: 'succeeded', source: 'webhook' },
    ]);
    expect(await receipts(`payment:${body.id}:succeeded`)).toBe(1);
  });

  it('any order of one true history ends in its final state', async () => {
    const user = await signUp(t);
    const orders = [
      ['succeeded', 'processing', 'requires_action'],
      ['processing', 'succeeded', 'requires_action'],
      ['requires_action', 'succeeded', 'processing'],
    ];
    for (const order of orders) {
      const { body } = await createPayment(user);
      const providerId = await providerPaymentIdOf(t.app, body.id);
      for (const status of order) {
        const e = intentEvent(providerId, status);
        expect((await postWebhook(e.body, e.signature)).status).toBe(200);
      }
      await waitFor(
        async () => {
          const rows = await webhookEventsFor(t.app, providerId);
          return rows.filter((r) => r.status === 'processed').length === 3;
        },
        { what: `three events processed (${order.join(', ')})` },
      );
      expect((await paymentRow(t.app, body.id)).status).toBe('succeeded');
      const steps = await history(body.id);
      expect(steps.filter((s) => s.to_status === 'succeeded')).toHaveLength(1);
      expect(await receipts(`payment:${body.id}:succeeded`)).toBe(1);
    }
  });

  it('a contradicting event is checked against the provider, whose state wins', async () => {
    const user = await signUp(t);
    const { body } = await createPayment(user);
    await confirm(user, body.id, 'pm_card_visa');
    const providerId = await providerPaymentIdOf(t.app, body.id);
    const e = intentEvent(providerId, 'failed');
    expect((await postWebhook(e.body, e.signature)).status).toBe(200);
    const eventId = (JSON.parse(e.body) as { id: string }).id;
    await waitFor(async () => {
      const [status] = await webhookEventStatuses(t.app, eventId);
      return status === 'processed';
    });
    expect((await paymentRow(t.app, body.id)).status).toBe('succeeded');
    expect(await receipts(`payment:${body.id}:failed`)).toBe(0);
  });
});
