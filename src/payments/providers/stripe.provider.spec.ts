import { describe, it, expect, beforeAll, afterAll, beforeEach } from '@jest/globals';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import {
  ProviderDeclinedError,
  ProviderRequestError,
  ProviderUnavailableError,
  WebhookSignatureError,
} from './payment-provider.js';
import { StripeProvider, mapStripeIntentStatus } from './stripe.provider.js';
import type { StripeProviderOptions } from './stripe.provider.js';

interface Seen {
  method: string;
  path: string;
  query: URLSearchParams;
  form: URLSearchParams;
  headers: IncomingMessage['headers'];
}
type Reply = { status: number; body: unknown } | 'hang';

/** A local HTTP server standing in for api.stripe.com: records requests, replies as told. */
class FakeStripeApi {
  readonly seen: Seen[] = [];
  private replies: Reply[] = [];
  private server: Server;
  port = 0;

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  reset(...replies: Reply[]): void {
    this.seen.length = 0;
    this.replies = replies;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://x');
    this.seen.push({
      method: req.method ?? '',
      path: url.pathname,
      query: url.searchParams,
      form: new URLSearchParams(Buffer.concat(chunks).toString()),
      headers: req.headers,
    });
    // The last reply repeats, so a retried request meets the same answer.
    const reply = this.replies.length > 1 ? this.replies.shift() : this.replies[0];
    if (reply === undefined || reply === 'hang') return;
    res.writeHead(reply.status, { 'content-type': 'application/json', 'request-id': 'req_test' });
    res.end(JSON.stringify(reply.body));
  }
}

const intent = (over: Partial<Stripe.PaymentIntent> = {}) => ({
  id: 'pi_123',
  object: 'payment_intent',
  amount: 1999,
  currency: 'usd',
  status: 'requires_payment_method',
  client_secret: 'pi_123_secret_abc',
  last_payment_error: null,
  next_action: null,
  latest_charge: null,
  ...over,
});

const api = new FakeStripeApi();
const webhookSecret = 'whsec_test_secret';
const provider = (over: Partial<StripeProviderOptions> = {}) =>
  new StripeProvider({
    secretKey: 'sk_test_123',
    webhookSecret,
    host: '127.0.0.1',
    port: api.port,
    protocol: 'http',
    timeoutMs: 2000,
    maxNetworkRetries: 0,
    ...over,
  });

beforeAll(() => api.start());
afterAll(() => api.stop());
beforeEach(() => api.reset());

describe('StripeProvider API calls', () => {
  it('creates an intent with our amount, currency and idempotency key', async () => {
    api.reset({ status: 200, body: intent() });
    const result = await provider().createIntent({
      paymentId: 'p-1',
      amount: 1999,
      currency: 'usd',
      description: 'Order 42',
      idempotencyKey: 'payment:p-1:create',
    });

    expect(result).toEqual({
      providerPaymentId: 'pi_123',
      status: 'requires_payment_method',
      clientSecret: 'pi_123_secret_abc',
    });
    const [req] = api.seen;
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/v1/payment_intents');
    expect(req.headers['idempotency-key']).toBe('payment:p-1:create');
    expect(req.headers.authorization).toBe('Bearer sk_test_123');
    expect(req.form.get('amount')).toBe('1999');
    expect(req.form.get('currency')).toBe('usd');
    expect(req.form.get('description')).toBe('Order 42');
    expect(req.form.get('metadata[payment_id]')).toBe('p-1');
    expect(req.form.get('automatic_payment_methods[allow_redirects]')).toBe('never');
  });

  it('confirms with the payment method and reports a required 3-D Secure action', async () => {
    const action = {
      type: 'redirect_to_url',
      redirect_to_url: { url: 'https://bank.example/3ds' },
    };
    api.reset({
      status: 200,
      body: intent({ status: 'requires_action', next_action: action as never }),
    });
    const result = await provider().confirm({
      providerPaymentId: 'pi_123',
      paymentMethod: 'pm_card_visa',
      idempotencyKey: 'payment:p-1:confirm:1',
    });

    expect(result).toEqual({
      status: 'requires_action',
      nextAction: { type: 'redirect_to_url', redirectUrl: 'https://bank.example/3ds' },
    });
    expect(api.seen[0].path).toBe('/v1/payment_intents/pi_123/confirm');
    expect(api.seen[0].form.get('payment_method')).toBe('pm_card_visa');
    expect(api.seen[0].headers['idempotency-key']).toBe('payment:p-1:confirm:1');
  });

  it('maps a card_error (402) to ProviderDeclinedError with the decline code', async () => {
    api.reset({
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
    const error = await provider()
      .confirm({ providerPaymentId: 'pi_123', paymentMethod: 'pm_x', idempotencyKey: 'k' })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ProviderDeclinedError);
    expect((error as ProviderDeclinedError).declineCode).toBe('insufficient_funds');
  });

  it('maps a 500 to ProviderUnavailableError, after SDK retries that reuse our key', async () => {
    api.reset({ status: 500, body: { error: { type: 'api_error', message: 'boom' } } });
    const error = await provider({ maxNetworkRetries: 1 })
      .createIntent({
        paymentId: 'p-2',
        amount: 500,
        currency: 'eur',
        idempotencyKey: 'payment:p-2:create',
      })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ProviderUnavailableError);
    expect(api.seen).toHaveLength(2);
    expect(api.seen.map((r) => r.headers['idempotency-key'])).toEqual([
      'payment:p-2:create',
      'payment:p-2:create',
    ]);
  });

  it('maps a hanging API to ProviderUnavailableError once the timeout elapses', async () => {
    api.reset('hang');
    const started = Date.now();
    const error = await provider({ timeoutMs: 200 })
      .refund({ providerPaymentId: 'pi_123', amount: 100, idempotencyKey: 'refund:r-1' })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ProviderUnavailableError);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(api.seen[0].path).toBe('/v1/refunds');
  });

  it('maps an invalid request (cancel after success) to ProviderRequestError', async () => {
    api.reset({
      status: 400,
      body: {
        error: {
          type: 'invalid_request_error',
          code: 'payment_intent_unexpected_state',
          message: 'no',
        },
      },
    });
    const error = await provider()
      .cancel({ providerPaymentId: 'pi_123', idempotencyKey: 'payment:p-1:cancel' })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ProviderRequestError);
    expect(error).toMatchObject({ code: 'payment_intent_unexpected_state', statusCode: 400 });
    expect(api.seen[0].path).toBe('/v1/payment_intents/pi_123/cancel');
    expect(api.seen[0].headers['idempotency-key']).toBe('payment:p-1:cancel');
  });

  it('retrieves an intent with its charge and derives the refund status', async () => {
    const charge = { id: 'ch_1', object: 'charge', amount_refunded: 500 };
    api.reset({
      status: 200,
      body: intent({ status: 'succeeded', latest_charge: charge as never }),
    });
    const result = await provider().retrieve('pi_123');

    expect(result).toEqual({
      status: 'partially_refunded',
      amount: 1999,
      currency: 'usd',
      amountRefunded: 500,
    });
    expect(api.seen[0].method).toBe('GET');
    expect(api.seen[0].path).toBe('/v1/payment_intents/pi_123');
    expect(api.seen[0].query.get('expand[0]')).toBe('latest_charge');
  });

  it('creates a refund with amount, reason and our key', async () => {
    api.reset({
      status: 200,
      body: { id: 're_1', object: 'refund', amount: 500, status: 'pending' },
    });
    const result = await provider().refund({
      providerPaymentId: 'pi_123',
      amount: 500,
      idempotencyKey: 'refund:r-2',
      reason: 'requested_by_customer',
    });

    expect(result).toEqual({ providerRefundId: 're_1', status: 'pending' });
    expect(api.seen[0].form.get('payment_intent')).toBe('pi_123');
    expect(api.seen[0].form.get('amount')).toBe('500');
    expect(api.seen[0].form.get('reason')).toBe('requested_by_customer');
    expect(api.seen[0].headers['idempotency-key']).toBe('refund:r-2');
  });
});

describe('mapStripeIntentStatus', () => {
  it('treats a declined intent (back to requires_payment_method) as failed', () => {
    const lastError = { type: 'card_error' } as Stripe.PaymentIntent.LastPaymentError;
    expect(
      mapStripeIntentStatus({ status: 'requires_payment_method', last_payment_error: lastError }),
    ).toBe('failed');
    expect(
      mapStripeIntentStatus({ status: 'requires_payment_method', last_payment_error: null }),
    ).toBe('requires_payment_method');
    expect(mapStripeIntentStatus({ status: 'requires_capture', last_payment_error: null })).toBe(
      'processing',
    );
    expect(mapStripeIntentStatus({ status: 'succeeded', last_payment_error: null })).toBe(
      'succeeded',
    );
  });
});

describe('StripeProvider.verifyWebhook', () => {
  const stripe = new Stripe('sk_test_123');
  const event = (type: string, object: object) =>
    JSON.stringify({ id: 'evt_1', object: 'event', type, created: 1767225600, data: { object } });
  const sign = (payload: string, timestamp?: number, secret = webhookSecret) => ({
    'stripe-signature': stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp }),
  });
  const verify = (payload: string, headers: Record<string, string>) =>
    provider().verifyWebhook(Buffer.from(payload), headers);
  const failure = (fn: () => unknown): string => {
    try {
      fn();
    } catch (e) {
      return e instanceof WebhookSignatureError ? e.reason : `unexpected ${String(e)}`;
    }
    return 'accepted';
  };

  it('accepts a valid signature and normalises a payment event', () => {
    const payload = event('payment_intent.succeeded', intent({ status: 'succeeded' }));
    expect(verify(payload, sign(payload))).toEqual({
      id: 'evt_1',
      type: 'payment_intent.succeeded',
      kind: 'payment',
      providerPaymentId: 'pi_123',
      status: 'succeeded',
      createdAt: new Date('2026-01-01T00:00:00Z'),
    });
  });

  it('normalises payment_failed and refund events', () => {
    const failed = event(
      'payment_intent.payment_failed',
      intent({
        last_payment_error: { type: 'card_error' } as Stripe.PaymentIntent.LastPaymentError,
      }),
    );
    expect(verify(failed, sign(failed))).toMatchObject({ kind: 'payment', status: 'failed' });

    const refund = event('refund.updated', {
      id: 're_1',
      object: 'refund',
      amount: 300,
      status: 'succeeded',
      payment_intent: 'pi_123',
    });
    expect(verify(refund, sign(refund))).toMatchObject({
      kind: 'refund',
      providerPaymentId: 'pi_123',
      refund: { providerRefundId: 're_1', amount: 300, status: 'succeeded' },
    });

    const other = event('customer.created', { id: 'cus_1', object: 'customer' });
    expect(verify(other, sign(other))).toMatchObject({ kind: 'other', providerPaymentId: null });
  });

  it('refuses a tampered body, a foreign secret, a missing or repeated header', () => {
    const payload = event('payment_intent.succeeded', intent({ status: 'succeeded' }));
    const headers = sign(payload);
    expect(failure(() => verify(payload.replace('1999', '1'), headers))).toBe('invalid');
    expect(failure(() => verify(payload, sign(payload, undefined, 'whsec_other')))).toBe('invalid');
    expect(failure(() => verify(payload, {}))).toBe('missing');
    const repeated = {
      'stripe-signature': [headers['stripe-signature'], headers['stripe-signature']],
    };
    expect(failure(() => provider().verifyWebhook(Buffer.from(payload), repeated))).toBe('invalid');
  });

  it('accepts a signature 299 s old and refuses one 301 s old', () => {
    const payload = event('payment_intent.processing', intent({ status: 'processing' }));
    const now = Math.floor(Date.now() / 1000);
    expect(failure(() => verify(payload, sign(payload, now - 299)))).toBe('accepted');
    expect(failure(() => verify(payload, sign(payload, now - 301)))).toBe('invalid');
  });

  it('refuses a validly signed body that is not an event', () => {
    const payload = JSON.stringify({ hello: 'world' });
    expect(failure(() => verify(payload, sign(payload)))).toBe('malformed_payload');
  });
});
