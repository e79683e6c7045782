import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import Stripe from 'stripe';
import { DataSource } from 'typeorm';
import type { INestApplication } from '@nestjs/common';
import { createHttpApp } from '../src/bootstrap/http-app.js';
import { ManualClock } from '../src/common/clock.js';
import { loadConfigFromEnv } from '../src/config/index.js';
import { signUp, type SignedUp } from './support/auth.js';
import { FakeStripeApi, stripeIntent } from './support/stripe.js';
import { testAppOf, type TestApp } from './support/test-app.js';
import { waitFor } from './support/wait.js';
import { holdLock, type HeldLock } from './support/held-lock.js';
import { paymentRow, webhookEventStatuses } from './support/rows.js';

/**
 * A refund's own webhook racing our record of it: Stripe answers the refund call and sends
 * refund.updated at once, and the webhook job may look for the refund before the API has linked
 * it (stored Stripe's refund id) and lock the payment after. The order of arrival must not matter,
 * and must not page anyone. Logs are captured to assert their levels.
 */

const WEBHOOK_SECRET = 'whsec_test_refund_webhooks';
const clock = new ManualClock(new Date());
const logs: Array<{ level: number; msg: string }> = [];
let t: TestApp;
let app: INestApplication;
let db: DataSource;
let api: FakeStripeApi;
let user: SignedUp;
let admin: SignedUp;

beforeAll(async () => {
  api = await new FakeStripeApi().start();
  const config = loadConfigFromEnv({
    APP_ROLE: 'all',
    ...api.env(),
    PAYMENTS_PROVIDER: 'stripe',
    STRIPE_SECRET_KEY: 'sk_test_refund_webhooks',
    STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
    STRIPE_TIMEOUT_MS: '10000',
    STRIPE_MAX_NETWORK_RETRIES: '0',
    PAYMENTS_RECONCILE_EVERY_MS: '3600000',
    QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}-refund-webhooks`,
  });
  const logger = pino(
    { level: 'info' },
    { write: (line: string) => void logs.push(JSON.parse(line) as (typeof logs)[number]) },
  );
  app = await createHttpApp(config, logger, { clock });
  t = testAppOf(app, config);
  db = app.get(DataSource);
  [user, admin] = [await signUp(t), await signUp(t, { role: 'admin' })];
});

afterAll(async () => {
  await t?.close();
  await api?.stop();
});

let n = 0;
async function succeededPayment(): Promise<{ id: string; intentId: string }> {
  const intentId = `pi_rw_${++n}_${Date.now()}`;
  api.handler = (req) => ({
    status: 200,
    body: stripeIntent({ id: intentId, amount: Number(req.form.get('amount')) }),
  });
  const res = await t
    .asUser(user)
    .post('/api/v1/payments')
    .set('Idempotency-Key', randomUUID())
    .send({ amount: 1999, currency: 'usd' });
  expect(res.status).toBe(201);
  const id = res.body.id as string;
  await sendWebhook(
    'payment_intent.succeeded',
    stripeIntent({ id: intentId, status: 'succeeded' }),
  );
  await waitFor(async () => (await payment(id)).status === 'succeeded', { what: 'succeeded' });
  return { id, intentId };
}

async function sendWebhook(type: string, object: Record<string, unknown>): Promise<string> {
  const eventId = `evt_${randomUUID()}`;
  const payload = JSON.stringify({
    id: eventId,
    object: 'event',
    type,
    created: Math.floor(clock.now().getTime() / 1000),
    data: { object },
  });
  const header = Stripe.webhooks.generateTestHeaderString({
    payload,
    secret: WEBHOOK_SECRET,
    timestamp: Math.floor(clock.now().getTime() / 1000),
  });
  const res = await t.http
    .post('/api/v1/payments/webhooks/stripe')
    .set('Content-Type', 'application/json')
    .set('Stripe-Signature', header)
    .send(payload);
  expect(res.status).toBe(200);
  return eventId;
}

async function payment(id: string): Promise<{ status: string; amount_refunded: string }> {
  const { status, amount_refunded } = await paymentRow(t.app, id);
  return { status, amount_refunded };
}

async function webhookStatus(eventId: string): Promise<string | undefined> {
  const [status] = await webhookEventStatuses(t.app, eventId);
  return status;
}

/** Locks one payment row from outside the app; `waiting` counts sessions queued behind it. */
async function lockPayment(id: string): Promise<HeldLock> {
  return holdLock(db, `SELECT 1 FROM payments WHERE id = $1 FOR UPDATE`, [id]);
}

/** Lines at pino's error level or above, logged since `from`. */
const errorsSince = (from: number) => logs.slice(from).filter((line) => line.level >= 50);

describe('a refund’s own webhook', () => {
  it('arriving before the refund is linked settles it once, with no error logged', async () => {
    const { id, intentId } = await succeededPayment();
    const refundId = `re_rw_${randomUUID()}`;
    let lock: Awaited<ReturnType<typeof lockPayment>> | undefined;
    api.handler = async (req) => {
      // Stripe has made the refund; before our API records it, the payment is held so that the
      // webhook below can be looked at in between.
      lock = await lockPayment(id);
      return {
        status: 200,
        body: {
          id: refundId,
          object: 'refund',
          amount: Number(req.form.get('amount')),
          status: 'succeeded',
          payment_intent: intentId,
        },
      };
    };
    const logged = logs.length;

    const refund = t
      .asUser(admin)
      .post(`/api/v1/payments/${id}/refunds`)
      .set('Idempotency-Key', randomUUID())
      .then((res) => res);
    // The API has Stripe's answer and waits to record it.
    await waitFor(async () => lock !== undefined && (await lock.waiting()) >= 1, {
      what: 'the API recording the refund',
    });
    const held = lock as NonNullable<typeof lock>;
    const eventId = await sendWebhook('refund.updated', {
      id: refundId,
      object: 'refund',
      amount: 1999,
      status: 'succeeded',
      payment_intent: intentId,
    });
    // The webhook job has looked for the refund (not linked yet) and waits for the payment.
    await waitFor(async () => (await held.waiting()) >= 2, { what: 'the webhook job' });
    await held.release();

    const res = await refund;
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ amount: 1999, status: 'succeeded' });
    const settled = await waitFor(
      async () => {
        const status = await webhookStatus(eventId);
        return status === 'processed' || status === 'ignored' ? status : null;
      },
      { what: 'the webhook processed' },
    );
    expect({ settled, errors: errorsSince(logged) }).toEqual({ settled: 'processed', errors: [] });
    expect(await payment(id)).toEqual({ status: 'refunded', amount_refunded: '1999' });
    const refunds = await db.query(
      `SELECT provider_refund_id, status FROM refunds WHERE payment_id = $1`,
      [id],
    );
    expect(refunds).toEqual([{ provider_refund_id: refundId, status: 'succeeded' }]);
  });

  it('processed before the refund call has even answered waits for it, at info level', async () => {
    const { id, intentId } = await succeededPayment();
    const refundId = `re_rw_${randomUUID()}`;
    const object = {
      id: refundId,
      object: 'refund',
      amount: 500,
      status: 'succeeded',
      payment_intent: intentId,
    };
    let eventId = '';
    api.handler = async () => {
      // Stripe's webhook is received and tried by the worker before its API answer arrives.
      eventId = await sendWebhook('refund.updated', object);
      await waitFor(
        async () => {
          const [row] = await db.query(`SELECT attempts FROM webhook_events WHERE event_id = $1`, [
            eventId,
          ]);
          return row?.attempts >= 1;
        },
        { what: 'a first try of the webhook' },
      );
      return { status: 200, body: object };
    };
    const logged = logs.length;

    const res = await t
      .asUser(admin)
      .post(`/api/v1/payments/${id}/refunds`)
      .set('Idempotency-Key', randomUUID())
      .send({ amount: 500 });

    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ amount: 500, status: 'succeeded' });
    await waitFor(async () => (await webhookStatus(eventId)) === 'processed', {
      what: 'the webhook processed on a retry',
    });
    expect(await payment(id)).toEqual({ status: 'partially_refunded', amount_refunded: '500' });
    expect(errorsSince(logged)).toEqual([]);
    expect(logs.slice(logged)).toContainEqual(
      expect.objectContaining({
        level: 30,
        msg: 'webhook event arrived before our record of it; retrying later',
      }),
    );
  });

  it('that does not fit the payment still asks for manual review', async () => {
    const { id, intentId } = await succeededPayment();
    const logged = logs.length;
    const eventId = await sendWebhook('refund.updated', {
      id: `re_rw_${randomUUID()}`,
      object: 'refund',
      amount: 5000,
      status: 'succeeded',
      payment_intent: intentId,
    });
    await waitFor(async () => (await webhookStatus(eventId)) === 'ignored', {
      what: 'the webhook ignored',
    });
    expect(await payment(id)).toEqual({ status: 'succeeded', amount_refunded: '0' });
    expect(errorsSince(logged)).toEqual([
      expect.objectContaining({
        msg: 'provider refund does not fit the payment; manual review needed',
      }),
    ]);
  });
});
