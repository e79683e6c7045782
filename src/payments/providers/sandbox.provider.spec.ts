import { describe, it, expect, beforeAll, afterAll, beforeEach } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { ManualClock } from '../../common/clock.js';
import {
  ProviderDeclinedError,
  ProviderRequestError,
  ProviderUnavailableError,
  WebhookSignatureError,
} from './payment-provider.js';
import type { ProviderEvent } from './payment-provider.js';
import { SandboxProvider } from './sandbox.provider.js';
import type { SignedWebhook } from './sandbox.provider.js';

const prefix = `test:sandbox:${randomUUID()}`;
const secret = 'whsec_sandbox_test';
let redis: Redis;
let clock: ManualClock;
let inbox: SignedWebhook[];
let receiverDown: boolean;

const newProvider = () =>
  new SandboxProvider({
    redis,
    keyPrefix: prefix,
    webhookSecret: secret,
    clock,
    settleDelayMs: 3_000,
    redeliveryDelayMs: 10_000,
    deliver: async (event) => {
      if (receiverDown) throw new Error('connection refused');
      inbox.push(event);
    },
  });
let sandbox: SandboxProvider;

const events = (): ProviderEvent[] => inbox.map((e) => sandbox.verifyWebhook(e.rawBody, e.headers));
const create = (amount = 1999) =>
  sandbox.createIntent({
    paymentId: randomUUID(),
    amount,
    currency: 'usd',
    idempotencyKey: randomUUID(),
  });
const confirm = (
  providerPaymentId: string,
  paymentMethod: string,
  idempotencyKey: string = randomUUID(),
) => sandbox.confirm({ providerPaymentId, paymentMethod, idempotencyKey });
const failure = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e,
  );

beforeAll(() => {
  redis = new Redis('redis://127.0.0.1:6379', { lazyConnect: false, maxRetriesPerRequest: 1 });
});
afterAll(async () => {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
});
beforeEach(() => {
  clock = new ManualClock();
  inbox = [];
  receiverDown = false;
  sandbox = newProvider();
});

describe('SandboxProvider outcomes by test payment method', () => {
  it('pm_card_visa succeeds and announces it in a signed event', async () => {
    const intent = await create();
    expect(intent.status).toBe('requires_payment_method');
    expect(intent.clientSecret).toMatch(new RegExp(`^${intent.providerPaymentId}_secret_`));

    expect(await confirm(intent.providerPaymentId, 'pm_card_visa')).toEqual({
      status: 'succeeded',
      nextAction: null,
    });
    expect(events()).toEqual([
      expect.objectContaining({
        type: 'payment_intent.succeeded',
        kind: 'payment',
        providerPaymentId: intent.providerPaymentId,
        status: 'succeeded',
        createdAt: clock.now(),
      }),
    ]);
    expect(await sandbox.retrieve(intent.providerPaymentId)).toEqual({
      status: 'succeeded',
      amount: 1999,
      currency: 'usd',
      amountRefunded: 0,
    });
  });

  it('pm_card_chargeDeclined fails with a decline, and a replay of the same key declines again', async () => {
    const { providerPaymentId } = await create();
    const key = `payment:${randomUUID()}:confirm:1`;
    const first = await failure(confirm(providerPaymentId, 'pm_card_chargeDeclined', key));
    const replay = await failure(confirm(providerPaymentId, 'pm_card_chargeDeclined', key));

    expect(first).toBeInstanceOf(ProviderDeclinedError);
    expect(replay).toBeInstanceOf(ProviderDeclinedError);
    expect((replay as ProviderDeclinedError).declineCode).toBe('card_declined');
    expect(events().map((e) => [e.type, e.status])).toEqual([
      ['payment_intent.payment_failed', 'failed'],
    ]);
    expect((await sandbox.retrieve(providerPaymentId)).status).toBe('failed');
  });

  it('pm_card_authenticationRequired needs a second confirm to complete', async () => {
    const { providerPaymentId } = await create();
    expect(await confirm(providerPaymentId, 'pm_card_authenticationRequired')).toEqual({
      status: 'requires_action',
      nextAction: { type: 'sandbox_authenticate' },
    });
    expect(await confirm(providerPaymentId, 'pm_card_authenticationRequired')).toMatchObject({
      status: 'succeeded',
    });
    expect(events().map((e) => e.status)).toEqual(['requires_action', 'succeeded']);
  });

  it('a failed 3-D Secure challenge (second confirm with a declined card) fails the payment', async () => {
    const { providerPaymentId } = await create();
    await confirm(providerPaymentId, 'pm_card_authenticationRequired');
    expect(await failure(confirm(providerPaymentId, 'pm_card_chargeDeclined'))).toBeInstanceOf(
      ProviderDeclinedError,
    );
    expect((await sandbox.retrieve(providerPaymentId)).status).toBe('failed');
  });

  it('pm_card_processing settles only once settleDelayMs has passed, on any instance, once', async () => {
    const { providerPaymentId } = await create();
    expect((await confirm(providerPaymentId, 'pm_card_processing')).status).toBe('processing');

    clock.advance(2_999);
    expect((await sandbox.settleDue(clock.now())).settled).toBe(0);
    expect((await sandbox.retrieve(providerPaymentId)).status).toBe('processing');

    clock.advance(1);
    const [a, b] = await Promise.all([
      sandbox.settleDue(clock.now()),
      newProvider().settleDue(clock.now()),
    ]);
    expect(a.settled + b.settled).toBe(1);
    expect((await sandbox.retrieve(providerPaymentId)).status).toBe('succeeded');
    expect(events().map((e) => e.status)).toEqual(['processing', 'succeeded']);
    expect((await sandbox.settleDue(clock.now())).settled).toBe(0);
  });

  it('refuses an unknown payment method and a confirm after the outcome', async () => {
    const { providerPaymentId } = await create();
    expect(await failure(confirm(providerPaymentId, 'pm_unknown'))).toMatchObject({
      code: 'resource_missing',
    });
    await confirm(providerPaymentId, 'pm_card_visa');
    const error = await failure(confirm(providerPaymentId, 'pm_card_visa'));
    expect(error).toBeInstanceOf(ProviderRequestError);
    expect(error).toMatchObject({ code: 'payment_intent_unexpected_state' });
  });
});

describe('SandboxProvider idempotency', () => {
  it('returns the same intent for the same key and refuses the key with other parameters', async () => {
    const input = {
      paymentId: randomUUID(),
      amount: 500,
      currency: 'eur',
      idempotencyKey: randomUUID(),
    };
    const first = await sandbox.createIntent(input);
    expect(await newProvider().createIntent(input)).toEqual(first);
    const error = await failure(sandbox.createIntent({ ...input, amount: 501 }));
    expect(error).toBeInstanceOf(ProviderRequestError);
    expect(error).toMatchObject({ code: 'idempotency_key_reused' });
  });

  it('creates one intent for twenty concurrent requests with one key', async () => {
    const input = {
      paymentId: randomUUID(),
      amount: 700,
      currency: 'usd',
      idempotencyKey: randomUUID(),
    };
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, () => sandbox.createIntent(input)),
    );
    const ids = new Set(
      results.flatMap((r) => (r.status === 'fulfilled' ? [r.value.providerPaymentId] : [])),
    );
    const rejected = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));

    expect(ids.size).toBe(1);
    expect(rejected.every((e) => e instanceof ProviderUnavailableError)).toBe(true);
    expect((await sandbox.createIntent(input)).providerPaymentId).toBe([...ids][0]);
  });
});

describe('SandboxProvider cancel and refunds', () => {
  it('cancels a requires_* intent but not a succeeded one', async () => {
    const open = await create();
    expect(
      await sandbox.cancel({
        providerPaymentId: open.providerPaymentId,
        idempotencyKey: randomUUID(),
      }),
    ).toEqual({
      status: 'canceled',
    });
    const paid = await create();
    await confirm(paid.providerPaymentId, 'pm_card_visa');
    const error = await failure(
      sandbox.cancel({ providerPaymentId: paid.providerPaymentId, idempotencyKey: randomUUID() }),
    );
    expect(error).toMatchObject({ code: 'payment_intent_unexpected_state' });
    expect(events().map((e) => e.type)).toEqual([
      'payment_intent.canceled',
      'payment_intent.succeeded',
    ]);
  });

  it('refunds partially then fully, refuses an over-refund, announces each refund', async () => {
    const { providerPaymentId } = await create(1000);
    await confirm(providerPaymentId, 'pm_card_visa');
    const refund = (amount: number) =>
      sandbox.refund({ providerPaymentId, amount, idempotencyKey: randomUUID() });

    expect((await refund(400)).status).toBe('succeeded');
    expect(await sandbox.retrieve(providerPaymentId)).toMatchObject({
      status: 'partially_refunded',
      amountRefunded: 400,
    });
    expect(await failure(refund(601))).toMatchObject({ code: 'amount_too_large' });
    const last = await refund(600);
    expect(await sandbox.retrieve(providerPaymentId)).toMatchObject({
      status: 'refunded',
      amountRefunded: 1000,
    });

    const refunds = events().filter((e) => e.kind === 'refund');
    expect(refunds.map((e) => e.refund?.amount)).toEqual([400, 600]);
    expect(refunds[1]).toMatchObject({
      providerPaymentId,
      refund: { providerRefundId: last.providerRefundId },
    });
  });

  it('refuses to refund an unpaid intent', async () => {
    const { providerPaymentId } = await create();
    const error = await failure(
      sandbox.refund({ providerPaymentId, amount: 1, idempotencyKey: randomUUID() }),
    );
    expect(error).toMatchObject({ code: 'payment_intent_unexpected_state' });
  });
});

describe('SandboxProvider webhooks', () => {
  const reason = (fn: () => unknown): string => {
    try {
      fn();
    } catch (e) {
      return e instanceof WebhookSignatureError ? e.reason : `unexpected ${String(e)}`;
    }
    return 'accepted';
  };

  it('signs events so that tampering, staleness and a missing header are refused', async () => {
    const { providerPaymentId } = await create();
    await confirm(providerPaymentId, 'pm_card_visa');
    const [{ rawBody, headers }] = inbox;
    const tampered = Buffer.from(rawBody.toString().replace('"succeeded"', '"failed"'));

    expect(reason(() => sandbox.verifyWebhook(tampered, headers))).toBe('invalid');
    expect(reason(() => sandbox.verifyWebhook(rawBody, {}))).toBe('missing');
    clock.advance(300_000);
    expect(reason(() => sandbox.verifyWebhook(rawBody, headers))).toBe('accepted');
    clock.advance(1_000);
    expect(reason(() => sandbox.verifyWebhook(rawBody, headers))).toBe('invalid');
  });

  it('keeps an undelivered event and redelivers it, freshly signed, from settleDue', async () => {
    receiverDown = true;
    const { providerPaymentId } = await create();
    expect((await confirm(providerPaymentId, 'pm_card_visa')).status).toBe('succeeded');
    expect(inbox).toHaveLength(0);

    receiverDown = false;
    clock.advance(9_999);
    expect((await sandbox.settleDue(clock.now())).redelivered).toBe(0);
    clock.advance(10 * 60_000);
    expect((await sandbox.settleDue(clock.now())).redelivered).toBe(1);
    expect(events()).toEqual([expect.objectContaining({ providerPaymentId, status: 'succeeded' })]);
    expect((await sandbox.settleDue(clock.now())).redelivered).toBe(0);
  });
});
