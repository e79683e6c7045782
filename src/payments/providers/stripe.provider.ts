import Stripe from 'stripe';
import { SystemClock } from '../../common/clock.js';
import type { Clock } from '../../common/clock.js';
import { refundStatusFor } from '../domain/payment-status.js';
import type { PaymentStatus } from '../domain/payment-status.js';
import {
  PaymentProvider,
  ProviderDeclinedError,
  ProviderRequestError,
  ProviderUnavailableError,
  WebhookSignatureError,
} from './payment-provider.js';
import type {
  CancelInput,
  ConfirmInput,
  ConfirmResult,
  CreateIntentInput,
  CreateIntentResult,
  NextAction,
  ProviderEvent,
  ProviderRefundStatus,
  RefundInput,
  RefundResult,
  RetrieveResult,
  WebhookHeaders,
} from './payment-provider.js';
import { verifySignedBody } from './webhook-signature.js';

export interface StripeProviderOptions {
  secretKey: string;
  webhookSecret: string;
  /** API host override: tests point the SDK at a local HTTP server. */
  host?: string;
  port?: number;
  protocol?: 'http' | 'https';
  timeoutMs: number;
  /** SDK retries on connection errors, 409 and 5xx; each reuses our idempotency key. */
  maxNetworkRetries: number;
  /**
   * Where the customer returns after a redirect-based payment method. Without it, intents are
   * created with redirect methods disabled, so a server-side confirm never needs one.
   */
  returnUrl?: string;
  clock?: Clock;
}

type IntentLike = Pick<Stripe.PaymentIntent, 'status' | 'last_payment_error'>;

/** Stripe's intent status in our terms: the single place that knows Stripe's status names. */
export function mapStripeIntentStatus(intent: IntentLike): PaymentStatus {
  switch (intent.status) {
    case 'requires_payment_method':
      // Stripe sends a declined intent back here (retryable with another card); for us a declined
      // attempt is a failed payment, and a new payment is a new attempt.
      return intent.last_payment_error ? 'failed' : 'requires_payment_method';
    case 'requires_confirmation':
      return 'requires_confirmation';
    case 'requires_action':
      return 'requires_action';
    case 'processing':
      return 'processing';
    case 'succeeded':
      return 'succeeded';
    case 'canceled':
      return 'canceled';
    case 'requires_capture':
      // We only create automatic-capture intents; authorised-not-captured is still in flight.
      return 'processing';
    default:
      // A status newer than this code: in flight until reconciliation can tell.
      return 'processing';
  }
}

export function mapStripeRefundStatus(status: string | null): ProviderRefundStatus {
  if (status === 'succeeded') return 'succeeded';
  if (status === 'failed' || status === 'canceled') return 'failed';
  return 'pending';
}

/** Stripe SDK errors in our error contract (see payment-provider.ts). */
export function mapStripeError(error: unknown): Error {
  if (!(error instanceof Stripe.errors.StripeError)) {
    // Not an answer from Stripe at all: we cannot know whether the call took effect.
    return new ProviderUnavailableError('stripe call failed', 'stripe', { cause: error });
  }
  const status = error.statusCode;
  switch (error.type) {
    case 'StripeCardError':
      return new ProviderDeclinedError(
        'stripe',
        error.decline_code ?? error.code ?? 'card_declined',
        error.message,
        { cause: error },
      );
    case 'StripeConnectionError':
    case 'StripeRateLimitError':
    case 'StripeAPIError':
      return new ProviderUnavailableError(error.message, 'stripe', { cause: error });
    default:
      if (status !== undefined && status >= 500) {
        return new ProviderUnavailableError(error.message, 'stripe', { cause: error });
      }
      return new ProviderRequestError('stripe', error.code ?? error.type, error.message, status, {
        cause: error,
      });
  }
}

export class StripeProvider extends PaymentProvider {
  readonly name = 'stripe' as const;
  private readonly stripe: Stripe;
  private readonly clock: Clock;

  constructor(private readonly options: StripeProviderOptions) {
    super();
    this.clock = options.clock ?? new SystemClock();
    this.stripe = new Stripe(options.secretKey, {
      host: options.host,
      port: options.port,
      protocol: options.protocol,
      timeout: options.timeoutMs,
      maxNetworkRetries: options.maxNetworkRetries,
      // Telemetry headers would leak request timings of one call into the next.
      telemetry: false,
    });
  }

  async createIntent(input: CreateIntentInput): Promise<CreateIntentResult> {
    const intent = await this.call(() =>
      this.stripe.paymentIntents.create(
        {
          amount: input.amount,
          currency: input.currency,
          description: input.description,
          metadata: { payment_id: input.paymentId },
          automatic_payment_methods: this.options.returnUrl
            ? { enabled: true }
            : { enabled: true, allow_redirects: 'never' },
        },
        { idempotencyKey: input.idempotencyKey },
      ),
    );
    return {
      providerPaymentId: intent.id,
      status: mapStripeIntentStatus(intent),
      clientSecret: intent.client_secret,
    };
  }

  async confirm(input: ConfirmInput): Promise<ConfirmResult> {
    const intent = await this.call(() =>
      this.stripe.paymentIntents.confirm(
        input.providerPaymentId,
        { payment_method: input.paymentMethod, return_url: this.options.returnUrl },
        { idempotencyKey: input.idempotencyKey },
      ),
    );
    return { status: mapStripeIntentStatus(intent), nextAction: nextActionOf(intent) };
  }

  async cancel(input: CancelInput): Promise<{ status: PaymentStatus }> {
    const intent = await this.call(() =>
      this.stripe.paymentIntents.cancel(
        input.providerPaymentId,
        {},
        { idempotencyKey: input.idempotencyKey },
      ),
    );
    return { status: mapStripeIntentStatus(intent) };
  }

  async retrieve(providerPaymentId: string): Promise<RetrieveResult> {
    const intent = await this.call(() =>
      this.stripe.paymentIntents.retrieve(providerPaymentId, { expand: ['latest_charge'] }),
    );
    const charge = typeof intent.latest_charge === 'object' ? intent.latest_charge : null;
    const amountRefunded = charge?.amount_refunded ?? 0;
    const status = mapStripeIntentStatus(intent);
    return {
      status: status === 'succeeded' ? refundStatusFor(intent.amount, amountRefunded) : status,
      amount: intent.amount,
      currency: intent.currency,
      amountRefunded,
    };
  }

  async refund(input: RefundInput): Promise<RefundResult> {
    const refund = await this.call(() =>
      this.stripe.refunds.create(
        { payment_intent: input.providerPaymentId, amount: input.amount, reason: input.reason },
        { idempotencyKey: input.idempotencyKey },
      ),
    );
    return { providerRefundId: refund.id, status: mapStripeRefundStatus(refund.status) };
  }

  verifyWebhook(rawBody: Buffer, headers: WebhookHeaders): ProviderEvent {
    const body = verifySignedBody(
      rawBody,
      headers,
      this.options.webhookSecret,
      this.clock.now().getTime(),
    );
    return mapStripeEvent(body);
  }

  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw mapStripeError(error);
    }
  }
}

function nextActionOf(intent: Stripe.PaymentIntent): NextAction | null {
  if (!intent.next_action) return null;
  const url = intent.next_action.redirect_to_url?.url ?? undefined;
  return url
    ? { type: intent.next_action.type, redirectUrl: url }
    : { type: intent.next_action.type };
}

/** A verified Stripe event body in our terms. */
export function mapStripeEvent(body: unknown): ProviderEvent {
  if (!isStripeEvent(body)) {
    throw new WebhookSignatureError('malformed_payload', 'signed body is not a Stripe event');
  }
  const base = {
    id: body.id,
    type: body.type,
    createdAt: new Date(body.created * 1000),
  };
  const object = body.data.object as { object?: string };
  if (object.object === 'payment_intent') {
    const intent = object as Stripe.PaymentIntent;
    return {
      ...base,
      kind: 'payment',
      providerPaymentId: intent.id,
      status: mapStripeIntentStatus(intent),
    };
  }
  if (object.object === 'refund') {
    return { ...base, ...refundPart(object as Stripe.Refund) };
  }
  return { ...base, kind: 'other', providerPaymentId: null };
}

function refundPart(
  refund: Stripe.Refund,
): Pick<ProviderEvent, 'kind' | 'providerPaymentId' | 'refund'> {
  const pi = refund.payment_intent;
  return {
    kind: 'refund',
    providerPaymentId: typeof pi === 'string' ? pi : (pi?.id ?? null),
    refund: {
      providerRefundId: refund.id,
      amount: refund.amount,
      status: mapStripeRefundStatus(refund.status),
    },
  };
}

function isStripeEvent(body: unknown): body is Stripe.Event {
  if (typeof body !== 'object' || body === null) return false;
  const e = body as Partial<Record<'id' | 'type' | 'created' | 'data', unknown>>;
  return (
    typeof e.id === 'string' &&
    typeof e.type === 'string' &&
    typeof e.created === 'number' &&
    typeof e.data === 'object' &&
    e.data !== null &&
    typeof (e.data as { object?: unknown }).object === 'object'
  );
}
