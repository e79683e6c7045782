import Stripe from 'stripe';
import { FakeStripeApi, stripeIntent, type StripeRequest } from '../support/stripe.js';

type Reply = { status: number; body: unknown };

interface Intent {
  id: string;
  amount: number;
  currency: string;
  status: string;
  paymentId: string;
}

/**
 * A stateful stand-in for Stripe's PaymentIntents API on top of FakeStripeApi: intents are created,
 * confirmed (a charge), canceled and retrieved, and a repeated Idempotency-Key replays the first
 * answer as Stripe does. `charges` counts confirmations that took effect, the number a customer
 * would see on their statement.
 */
export class StripeSim {
  readonly api = new FakeStripeApi();
  readonly intents = new Map<string, Intent>();
  charges = 0;
  /** Confirm requests received (replays included). */
  confirmRequests = 0;
  /** Added before answering a confirm (a slow provider). */
  confirmDelayMs = 0;
  /** Runs after a confirm took effect, before the answer leaves (the test injects its fault). */
  afterCharge: (() => Promise<void>) | null = null;
  private readonly replies = new Map<string, Reply>();
  private next = 0;

  async start(): Promise<this> {
    this.api.handler = (req) => this.handle(req);
    await this.api.start();
    return this;
  }

  stop(): Promise<void> {
    return this.api.stop();
  }

  intentOf(paymentId: string): Intent | undefined {
    return [...this.intents.values()].find((i) => i.paymentId === paymentId);
  }

  /** A signed Stripe event about an intent, as Stripe would POST it to the webhook route. */
  event(
    intent: Intent,
    type: string,
    status: string,
    opts: { id: string; created: number; secret: string; signedAt?: number },
  ): { payload: string; signature: string } {
    const payload = JSON.stringify({
      id: opts.id,
      object: 'event',
      api_version: '2025-01-01',
      created: opts.created,
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      type,
      data: { object: this.view({ ...intent, status }) },
    });
    const signature = Stripe.webhooks.generateTestHeaderString({
      payload,
      secret: opts.secret,
      timestamp: opts.signedAt ?? Math.floor(Date.now() / 1000),
    });
    return { payload, signature };
  }

  private async handle(req: StripeRequest): Promise<Reply> {
    const key = req.idempotencyKey ? `${req.method} ${req.path} ${req.idempotencyKey}` : null;
    const replay = key ? this.replies.get(key) : undefined;
    if (req.path.endsWith('/confirm')) this.confirmRequests++;
    if (replay) return replay;
    const reply = await this.route(req);
    if (key && reply.status < 500) this.replies.set(key, reply);
    return reply;
  }

  private async route(req: StripeRequest): Promise<Reply> {
    const [, , resource, id, action] = req.path.split('/');
    if (resource !== 'payment_intents') return notFound();
    if (req.method === 'POST' && !id) return this.create(req);
    const intent = id ? this.intents.get(id) : undefined;
    if (!intent) return notFound();
    if (req.method === 'GET') return ok(this.view(intent));
    if (action === 'confirm') return this.confirm(intent);
    if (action === 'cancel') {
      if (intent.status === 'succeeded') return unexpectedState(intent);
      intent.status = 'canceled';
      return ok(this.view(intent));
    }
    return notFound();
  }

  private create(req: StripeRequest): Reply {
    const intent: Intent = {
      id: `pi_sim_${++this.next}`,
      amount: Number(req.form.get('amount')),
      currency: req.form.get('currency') ?? 'usd',
      status: 'requires_payment_method',
      paymentId: req.form.get('metadata[payment_id]') ?? '',
    };
    this.intents.set(intent.id, intent);
    return ok(this.view(intent));
  }

  private async confirm(intent: Intent): Promise<Reply> {
    if (intent.status !== 'requires_payment_method' && intent.status !== 'requires_confirmation') {
      return unexpectedState(intent);
    }
    if (this.confirmDelayMs > 0) await new Promise((r) => setTimeout(r, this.confirmDelayMs));
    intent.status = 'succeeded';
    this.charges++;
    await this.afterCharge?.();
    return ok(this.view(intent));
  }

  private view(intent: Intent) {
    return stripeIntent({
      id: intent.id,
      amount: intent.amount,
      currency: intent.currency,
      status: intent.status,
      client_secret: `${intent.id}_secret_sim`,
      metadata: { payment_id: intent.paymentId },
    });
  }
}

function ok(body: unknown): Reply {
  return { status: 200, body };
}

function notFound(): Reply {
  return {
    status: 404,
    body: {
      error: { type: 'invalid_request_error', code: 'resource_missing', message: 'No such object' },
    },
  };
}

function unexpectedState(intent: Intent): Reply {
  return {
    status: 400,
    body: {
      error: {
        type: 'invalid_request_error',
        code: 'payment_intent_unexpected_state',
        message: `This PaymentIntent's status is ${intent.status}.`,
      },
    },
  };
}
