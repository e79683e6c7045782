import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import Stripe from 'stripe';
import { ManualClock } from '../src/common/clock.js';
import { signUp, type SignedUp } from './support/auth.js';
import { paymentRow } from './support/rows.js';
import { FakeStripeApi, stripeIntent } from './support/stripe.js';
import { createTestApp, type TestApp } from './support/test-app.js';
import { waitFor } from './support/wait.js';

const WEBHOOK_SECRET = 'whsec_test_e2e_secret';
let t: TestApp;
let api: FakeStripeApi;
let user: SignedUp;
const clock = new ManualClock(new Date());

beforeAll(async () => {
  api = await new FakeStripeApi().start();
  t = await createTestApp(
    {
      ...api.env(),
      PAYMENTS_PROVIDER: 'stripe',
      STRIPE_SECRET_KEY: 'sk_test_e2e_key',
      STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
      STRIPE_TIMEOUT_MS: '300',
      STRIPE_MAX_NETWORK_RETRIES: '0',
      PAYMENTS_RECONCILE_EVERY_MS: '3600000',
      // Its own queues: the sandbox suites' jobs are not for this provider.
      QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}-stripe`,
    },
    { clock },
  );
  user = await signUp(t);
});

afterAll(async () => {
  await t?.close();
  await api?.stop();
});

beforeEach(() => {
  api.requests.length = 0;
});

let n = 0;
async function createIntent(): Promise<{ id: string; intentId: string }> {
  const intentId = `pi_test_${++n}_${Date.now()}`;
  api.handler = (req) =>
    req.path === '/v1/payment_intents'
      ? {
          status: 200,
          body: stripeIntent({
            id: intentId,
            client_secret: `${intentId}_secret_x`,
            amount: Number(req.form.get('amount')),
            currency: req.form.get('currency'),
          }),
        }
      : { status: 404, body: { error: { type: 'invalid_request_error', message: 'no' } } };
  const res = await t
    .asUser(user)
    .post('/api/v1/payments')
    .set('Idempotency-Key', randomUUID())
    .send({ amount: 1999, currency: 'eur', description: 'Stripe order' });
  expect(res.status).toBe(201);
  expect(res.body.clientSecret).toBe(`${intentId}_secret_x`);
  return { id: res.body.id, intentId };
}

function confirm(id: string, paymentMethod = 'pm_card_visa') {
  return t
    .asUser(user)
    .post(`/api/v1/payments/${id}/confirm`)
    .set('Idempotency-Key', randomUUID())
    .send({ paymentMethod });
}

function sendWebhook(event: Record<string, unknown>) {
  const payload = JSON.stringify(event);
  const header = Stripe.webhooks.generateTestHeaderString({
    payload,
    secret: WEBHOOK_SECRET,
    timestamp: Math.floor(clock.now().getTime() / 1000),
  });
  return t.http
    .post('/api/v1/payments/webhooks/stripe')
    .set('Content-Type', 'application/json')
    .set('Stripe-Signature', header)
    .send(payload);
}

async function status(id: string): Promise<string> {
  return (await paymentRow(t.app, id)).status;
}

describe('Stripe adapter against a local Stripe API', () => {
  it('creates the intent with amount, currency and our stable idempotency key', async () => {
    const { id } = await createIntent();
    expect(api.requests).toHaveLength(1);
    const [req] = api.requests;
    expect(req.method).toBe('POST');
    expect(req.form.get('amount')).toBe('1999');
    expect(req.form.get('currency')).toBe('eur');
    expect(req.form.get('metadata[payment_id]')).toBe(id);
    expect(req.idempotencyKey).toBe(`payment:${id}:create`);
  });

  it('confirms server-side, then a signed webhook settles the payment', async () => {
    const { id, intentId } = await createIntent();
    api.handler = () => ({
      status: 200,
      body: stripeIntent({ id: intentId, status: 'processing' }),
    });
    const res = await confirm(id);
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('processing');
    expect(api.requests.at(-1)).toMatchObject({
      path: `/v1/payment_intents/${intentId}/confirm`,
      idempotencyKey: `payment:${id}:confirm:1`,
    });
    expect(api.requests.at(-1)?.form.get('payment_method')).toBe('pm_card_visa');

    const webhook = await sendWebhook({
      id: `evt_${randomUUID()}`,
      object: 'event',
      type: 'payment_intent.succeeded',
      created: Math.floor(clock.now().getTime() / 1000),
      data: { object: stripeIntent({ id: intentId, status: 'succeeded' }) },
    });
    expect(webhook.status).toBe(200);
    await waitFor(async () => (await status(id)) === 'succeeded', { what: 'succeeded' });
  });

  it('maps a card error to a failed payment', async () => {
    const { id } = await createIntent();
    api.handler = () => ({
      status: 402,
      body: {
        error: {
          type: 'card_error',
          code: 'card_declined',
          decline_code: 'insufficient_funds',
          message: 'Your card has insufficient funds.',
        },
      },
    });
    const res = await confirm(id, 'pm_card_chargeDeclined');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'failed', failureCode: 'insufficient_funds' });
  });

  it('leaves a payment processing (never failed) when Stripe does not answer in time', async () => {
    const { id } = await createIntent();
    api.handler = () => 'hang';
    const res = await confirm(id);
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('processing');
    expect(await status(id)).toBe('processing');
  });

  it('refunds with key refund:<id> and maps a pending refund', async () => {
    const admin = await signUp(t, { role: 'admin' });
    const { id, intentId } = await createIntent();
    await sendWebhook({
      id: `evt_${randomUUID()}`,
      object: 'event',
      type: 'payment_intent.succeeded',
      created: Math.floor(clock.now().getTime() / 1000),
      data: { object: stripeIntent({ id: intentId, status: 'succeeded' }) },
    });
    await waitFor(async () => (await status(id)) === 'succeeded', { what: 'succeeded' });
    api.handler = (req) => ({
      status: 200,
      body: {
        id: 're_test_1',
        object: 'refund',
        amount: Number(req.form.get('amount')),
        status: 'pending',
        payment_intent: intentId,
      },
    });
    const res = await t
      .asUser(admin)
      .post(`/api/v1/payments/${id}/refunds`)
      .set('Idempotency-Key', randomUUID())
      .send({ amount: 500 });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ amount: 500, status: 'pending' });
    const req = api.requests.at(-1);
    expect(req?.path).toBe('/v1/refunds');
    expect(req?.form.get('amount')).toBe('500');
    expect(req?.form.get('payment_intent')).toBe(intentId);
    expect(req?.idempotencyKey).toBe(`refund:${res.body.id}`);

    // Stripe's refund.updated completes it.
    await sendWebhook({
      id: `evt_${randomUUID()}`,
      object: 'event',
      type: 'refund.updated',
      created: Math.floor(clock.now().getTime() / 1000),
      data: {
        object: {
          id: 're_test_1',
          object: 'refund',
          amount: 500,
          status: 'succeeded',
          payment_intent: intentId,
        },
      },
    });
    await waitFor(async () => (await status(id)) === 'partially_refunded', {
      what: 'partially_refunded',
    });
  });

  it('refuses a webhook signed with another secret; the sandbox endpoint is not served', async () => {
    const payload = JSON.stringify({
      id: 'evt_x',
      object: 'event',
      type: 'x',
      created: 1,
      data: { object: {} },
    });
    const header = Stripe.webhooks.generateTestHeaderString({ payload, secret: 'whsec_other' });
    const res = await t.http
      .post('/api/v1/payments/webhooks/stripe')
      .set('Content-Type', 'application/json')
      .set('Stripe-Signature', header)
      .send(payload);
    expect(res.status).toBe(400);
    expect((await t.http.post('/api/v1/payments/webhooks/sandbox').send({})).status).toBe(404);
  });
});
