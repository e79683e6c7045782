import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Response } from 'supertest';
import { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { SANDBOX_KEY_PREFIX } from '../src/payments/providers/payment-provider.factory.js';
import { ReconciliationService } from '../src/payments/worker/reconciliation.service.js';
import { signUp, type SignedUp } from './support/auth.js';
import { createTestApp, type TestApp } from './support/test-app.js';
import { waitFor } from './support/wait.js';
import {
  expirePaymentOperation,
  holdPaymentOperation,
  loseProviderIntentId,
} from './support/factories.js';
import { holdLock, type HeldLock } from './support/held-lock.js';
import { paymentRow, providerPaymentIdOf, refundsOf, webhookEventsFor } from './support/rows.js';

/**
 * Two requests on one payment at once, each with its own Idempotency-Key (a double tap, two
 * devices), over HTTP against the sandbox provider. To make "at once" certain rather than likely,
 * the first request is held inside its provider call: the sandbox hands its webhook to our
 * ingestion before it answers, and the test holds a lock that makes that insert wait.
 */

let t: TestApp;
let db: DataSource;
let user: SignedUp;
let admin: SignedUp;

beforeAll(async () => {
  t = await createTestApp({ PAYMENTS_RECONCILE_EVERY_MS: '3600000' });
  db = t.app.get(DataSource);
  [user, admin] = [await signUp(t), await signUp(t, { role: 'admin' })];
});

afterAll(async () => {
  await t?.close();
});

/** Sends now (supertest is lazy) and records when the answer came. */
function send(test: PromiseLike<Response>): { answer: Promise<Response>; answered: () => boolean } {
  let done = false;
  const answer = Promise.resolve(test).then((res) => {
    done = true;
    return res;
  });
  return { answer, answered: () => done };
}

function post(who: SignedUp, path: string, body: Record<string, unknown> = {}) {
  return t
    .asUser(who)
    .post(`/api/v1/payments${path}`)
    .set('Idempotency-Key', randomUUID())
    .send(body);
}

async function newPayment(): Promise<{ id: string; intentId: string }> {
  const res = await post(user, '', { amount: 1999, currency: 'usd' });
  expect(res.status).toBe(201);
  return { id: res.body.id as string, intentId: await providerPaymentIdOf(t.app, res.body.id) };
}

/** Holds every webhook insert (the sandbox's delivery inside its provider calls) until released. */
async function holdProviderCalls(): Promise<HeldLock> {
  return holdLock(db, `LOCK TABLE webhook_events IN SHARE ROW EXCLUSIVE MODE`);
}

/**
 * Runs `first` until `atProvider` says it is inside its provider call (where the gate holds it),
 * then `others` while it is. The provider is released once every other request has answered,
 * except `othersAtProvider` of them that are expected to be held there too.
 */
async function whileFirstIsAtProvider(
  first: () => PromiseLike<Response>,
  atProvider: () => Promise<boolean>,
  others: Array<() => PromiseLike<Response>>,
  othersAtProvider = 0,
): Promise<{ first: Response; others: Response[] }> {
  const gate = await holdProviderCalls();
  try {
    const held = send(first());
    await waitFor(async () => (await atProvider()) && (await gate.waiting()) >= 1, {
      what: 'the first request at the provider',
    });
    const rest = others.map((start) => send(start()));
    await waitFor(
      async () =>
        rest.filter((r) => r.answered()).length >= rest.length - othersAtProvider &&
        (await gate.waiting()) >= 1 + othersAtProvider,
      { what: 'the others to answer (one unanswered is at the provider too)' },
    );
    await gate.release();
    return { first: await held.answer, others: await Promise.all(rest.map((r) => r.answer)) };
  } catch (error) {
    await gate.release().catch(() => undefined);
    throw error;
  }
}

/** The sandbox gateway's record of a call in flight under one of our provider keys. */
function providerCallInFlight(providerKey: string): () => Promise<boolean> {
  return async () => {
    const raw = await t.app.get(Redis).get(`${SANDBOX_KEY_PREFIX}:idem:${providerKey}`);
    return raw !== null && (JSON.parse(raw) as { state: string }).state === 'inflight';
  };
}

async function providerEvents(intentId: string): Promise<string[]> {
  return (await webhookEventsFor(t.app, intentId)).map((e) => e.type);
}

function expectOperationInProgress(res: Response, running: 'confirming' | 'canceling'): void {
  expect(res.status).toBe(409);
  expect(res.headers['content-type']).toContain('application/problem+json');
  expect(res.headers['retry-after']).toBe('1');
  expect(res.body).toMatchObject({
    type: 'urn:problem:payment-operation-in-progress',
    status: 409,
  });
  expect(res.body.detail).toContain(`Another request is ${running} this payment`);
}

describe('concurrent operations on one payment', () => {
  it('cancels once; concurrent cancels get 409 + Retry-After, never a false 503', async () => {
    const { id, intentId } = await newPayment();
    const cancel = () => post(user, `/${id}/cancel`);

    const { first, others } = await whileFirstIsAtProvider(
      cancel,
      providerCallInFlight(`payment:${id}:cancel`),
      [cancel, cancel, cancel, cancel],
    );

    expect(first.status).toBe(200);
    expect(first.body.status).toBe('canceled');
    for (const res of others) expectOperationInProgress(res, 'canceling');
    expect(await providerEvents(intentId)).toEqual(['payment_intent.canceled']);
    // Once it is done, another cancel hears what happened.
    const after = await cancel();
    expect(after.status).toBe(409);
    expect(after.body.type).toBe('urn:problem:payment-state-conflict');
    expect(after.body.detail).toBe('A canceled payment cannot be canceled.');
  });

  it('confirms once; concurrent confirms and a cancel get 409 + Retry-After', async () => {
    const { id, intentId } = await newPayment();
    // The sandbox's 3-D Secure card: a second confirm with it would pass the challenge, so a
    // second provider call would show as a second transition.
    const confirm = () =>
      post(user, `/${id}/confirm`, { paymentMethod: 'pm_card_authenticationRequired' });

    const { first, others } = await whileFirstIsAtProvider(
      confirm,
      providerCallInFlight(`payment:${id}:confirm:1`),
      [confirm, confirm, confirm, () => post(user, `/${id}/cancel`)],
    );

    expect(first.status).toBe(200);
    expect(first.body.status).toBe('requires_action');
    for (const res of others) expectOperationInProgress(res, 'confirming');
    expect(await providerEvents(intentId)).toEqual(['payment_intent.requires_action']);
    const { status, operation } = await paymentRow(t.app, id);
    expect({ status, operation }).toEqual({ status: 'requires_action', operation: null });
  });

  it('refunds independently: each its own provider refund, bounded by what is left', async () => {
    const { id, intentId } = await newPayment();
    expect((await post(user, `/${id}/confirm`, { paymentMethod: 'pm_card_visa' })).status).toBe(
      200,
    );
    const refund = (amount: number) => () => post(admin, `/${id}/refunds`, { amount });

    const firstRefundCreated = async () => {
      return (await refundsOf(t.app, id)).length === 1;
    };
    // The one that fits goes to the provider too, and is held there with the first.
    const { first, others } = await whileFirstIsAtProvider(
      refund(1500),
      firstRefundCreated,
      [refund(1000), refund(499), refund(1000)],
      1,
    );

    expect(first.status).toBe(201);
    expect(others.map((r) => r.status)).toEqual([409, 201, 409]);
    for (const res of [others[0], others[2]]) {
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body.type).toBe('urn:problem:refund-exceeds-remaining');
    }
    const refunds = (await providerEvents(intentId)).filter((type) => type === 'refund.updated');
    expect(refunds).toHaveLength(2);
    await waitFor(
      async () => {
        const row = await paymentRow(t.app, id);
        return row.status === 'refunded' && Number(row.amount_refunded) === 1999;
      },
      { what: 'the payment to be refunded in full' },
    );
  });

  it('frees the lease of a request that died, and not before', async () => {
    const { id } = await newPayment();
    await holdPaymentOperation(t.app, id, 'confirm');
    expectOperationInProgress(await post(user, `/${id}/cancel`), 'confirming');
    await expirePaymentOperation(t.app, id);
    const res = await post(user, `/${id}/cancel`);
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('canceled');
  });

  it('reconciliation cancels an orphaned intent, but not while another operation holds it', async () => {
    const { id, intentId } = await newPayment();
    await loseProviderIntentId(t.app, id);
    const reconciliation = t.app.get(ReconciliationService);
    await holdPaymentOperation(t.app, id, 'cancel');
    await reconciliation.runOnce();
    expect(await providerEvents(intentId)).toEqual([]);
    const waiting = await paymentRow(t.app, id);
    expect({ status: waiting.status, provider_payment_id: waiting.provider_payment_id }).toEqual({
      status: 'requires_payment_method',
      provider_payment_id: null,
    });

    await expirePaymentOperation(t.app, id);
    await reconciliation.runOnce();
    expect(await providerEvents(intentId)).toEqual(['payment_intent.canceled']);
    const { status, provider_payment_id, operation } = await paymentRow(t.app, id);
    expect({ status, provider_payment_id, operation }).toEqual({
      status: 'canceled',
      provider_payment_id: intentId,
      operation: null,
    });
  });
});
