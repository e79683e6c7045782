import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Clock } from '../../common/clock.js';
import { validateAmount } from '../domain/money.js';
import {
  canCancel,
  canConfirm,
  isPaymentStatus,
  refundStatusFor,
} from '../domain/payment-status.js';
import type { PaymentStatus } from '../domain/payment-status.js';
import {
  PaymentProvider,
  ProviderDeclinedError,
  ProviderRequestError,
  WebhookSignatureError,
} from './payment-provider.js';
import type {
  CancelInput,
  ConfirmInput,
  ConfirmResult,
  CreateIntentInput,
  CreateIntentResult,
  ProviderEvent,
  RefundInput,
  RefundResult,
  RetrieveResult,
  WebhookHeaders,
} from './payment-provider.js';
import { SandboxStore } from './sandbox-store.js';
import type { SandboxIntent } from './sandbox-store.js';
import { SIGNATURE_HEADER, signBody, verifySignedBody } from './webhook-signature.js';

/**
 * A payment gateway without a network, for development and e2e tests. Test payment methods (the
 * names Stripe uses for its test cards) decide the outcome of a confirm:
 *
 * | payment method                   | confirm gives                                             |
 * | -------------------------------- | --------------------------------------------------------- |
 * | `pm_card_visa`                   | `succeeded`                                               |
 * | `pm_card_chargeDeclined`         | `failed`; throws ProviderDeclinedError (`card_declined`)  |
 * | `pm_card_authenticationRequired` | `requires_action`, nextAction `sandbox_authenticate`      |
 * | `pm_card_processing`             | `processing`; `succeeded` once `settleDue` runs after     |
 * |                                  | `settleDelayMs`                                           |
 *
 * Completing 3-D Secure in the sandbox: the client confirms again (`POST /payments/{id}/confirm`).
 * A second confirm of an intent in `requires_action` with `pm_card_authenticationRequired` means
 * "the customer passed the challenge" (→ `succeeded`); with `pm_card_chargeDeclined` it means the
 * challenge failed (→ `failed`).
 *
 * Refunds succeed at once. Every status change is announced as a Stripe-shaped event signed with
 * the webhook secret and handed to `deliver`; a failed delivery is retried by `settleDue`.
 */

export const SANDBOX_PAYMENT_METHODS = {
  succeeds: 'pm_card_visa',
  declined: 'pm_card_chargeDeclined',
  authenticationRequired: 'pm_card_authenticationRequired',
  processing: 'pm_card_processing',
} as const;

export interface SignedWebhook {
  rawBody: Buffer;
  headers: Record<string, string>;
}

export interface SandboxProviderOptions {
  redis: Redis;
  /** Namespace of every key the sandbox writes, e.g. `${QUEUE_PREFIX}:sandbox`. */
  keyPrefix: string;
  webhookSecret: string;
  deliver: (event: SignedWebhook) => Promise<void>;
  clock: Clock;
  /** How long `pm_card_processing` stays `processing`; default 3 s. */
  settleDelayMs?: number;
  /** Wait before retrying a failed webhook delivery; default 10 s. */
  redeliveryDelayMs?: number;
}

type IntentEventObject = {
  id: string;
  object: 'payment_intent';
  status: PaymentStatus;
  amount: number;
  currency: string;
  amount_refunded: number;
  metadata: { payment_id: string };
};
type RefundEventObject = {
  id: string;
  object: 'refund';
  amount: number;
  status: 'succeeded';
  payment_intent: string;
};

const EVENT_TYPE: Partial<Record<PaymentStatus, string>> = {
  requires_action: 'payment_intent.requires_action',
  processing: 'payment_intent.processing',
  succeeded: 'payment_intent.succeeded',
  failed: 'payment_intent.payment_failed',
  canceled: 'payment_intent.canceled',
};

export class SandboxProvider extends PaymentProvider {
  readonly name = 'sandbox' as const;
  private readonly store: SandboxStore;
  private readonly settleDelayMs: number;
  private readonly redeliveryDelayMs: number;

  constructor(private readonly options: SandboxProviderOptions) {
    super();
    this.store = new SandboxStore(options.redis, options.keyPrefix);
    this.settleDelayMs = options.settleDelayMs ?? 3_000;
    this.redeliveryDelayMs = options.redeliveryDelayMs ?? 10_000;
  }

  async createIntent(input: CreateIntentInput): Promise<CreateIntentResult> {
    const { idempotencyKey, ...params } = input;
    return this.store.idempotent(idempotencyKey, ['create', params], async () => {
      validateAmount(input.amount);
      const id = `pi_sbx_${randomUUID().replaceAll('-', '')}`;
      const intent: SandboxIntent = {
        id,
        paymentId: input.paymentId,
        amount: input.amount,
        currency: input.currency,
        description: input.description ?? null,
        status: 'requires_payment_method',
        paymentMethod: null,
        amountRefunded: 0,
        settleAt: null,
        clientSecret: `${id}_secret_${randomUUID().replaceAll('-', '')}`,
        version: 0,
      };
      await this.store.createIntent(intent);
      return { providerPaymentId: id, status: intent.status, clientSecret: intent.clientSecret };
    });
  }

  async confirm(input: ConfirmInput): Promise<ConfirmResult> {
    const { idempotencyKey, ...params } = input;
    return this.store.idempotent(idempotencyKey, ['confirm', params], async () => {
      const intent = await this.store.updateIntent(input.providerPaymentId, (current) =>
        this.confirmed(current, input.paymentMethod),
      );
      if (intent.status === 'processing' && intent.settleAt !== null) {
        await this.store.scheduleSettlement(intent.id, intent.settleAt);
      }
      await this.emitIntent(intent);
      if (intent.status === 'failed') {
        throw new ProviderDeclinedError('sandbox', 'card_declined', 'Your card was declined.');
      }
      const nextAction =
        intent.status === 'requires_action' ? { type: 'sandbox_authenticate' } : null;
      return { status: intent.status, nextAction };
    });
  }

  async cancel(input: CancelInput): Promise<{ status: PaymentStatus }> {
    const { idempotencyKey, ...params } = input;
    return this.store.idempotent(idempotencyKey, ['cancel', params], async () => {
      const intent = await this.store.updateIntent(input.providerPaymentId, (current) => {
        if (!canCancel(current.status)) throw unexpectedState(current, 'cancel');
        return { ...current, status: 'canceled' };
      });
      await this.emitIntent(intent);
      return { status: intent.status };
    });
  }

  async retrieve(providerPaymentId: string): Promise<RetrieveResult> {
    const intent = await this.store.getIntent(providerPaymentId);
    return {
      status: observedStatus(intent),
      amount: intent.amount,
      currency: intent.currency,
      amountRefunded: intent.amountRefunded,
    };
  }

  async refund(input: RefundInput): Promise<RefundResult> {
    const { idempotencyKey, ...params } = input;
    return this.store.idempotent(idempotencyKey, ['refund', params], async () => {
      validateAmount(input.amount);
      const intent = await this.store.updateIntent(input.providerPaymentId, (current) =>
        refunded(current, input.amount),
      );
      const refundId = `re_sbx_${randomUUID().replaceAll('-', '')}`;
      const object: RefundEventObject = {
        id: refundId,
        object: 'refund',
        amount: input.amount,
        status: 'succeeded',
        payment_intent: intent.id,
      };
      await this.emit('refund.updated', object);
      return { providerRefundId: refundId, status: 'succeeded' };
    });
  }

  verifyWebhook(rawBody: Buffer, headers: WebhookHeaders): ProviderEvent {
    const now = this.options.clock.now().getTime();
    const body = verifySignedBody(rawBody, headers, this.options.webhookSecret, now);
    return mapSandboxEvent(body);
  }

  /**
   * Settles `pm_card_processing` intents whose time has come and retries failed webhook
   * deliveries. Called by the app's reconciliation job instead of an in-process timer, so a
   * restart loses nothing; safe to call from several workers at once (the intent update is a
   * compare-and-set, a second settlement of the same intent is a no-op).
   */
  async settleDue(now: Date): Promise<{ settled: number; redelivered: number }> {
    let settled = 0;
    for (const id of await this.store.dueSettlements(now.getTime())) {
      if (await this.settle(id, now.getTime())) settled++;
    }
    return { settled, redelivered: await this.redeliverDue(now.getTime()) };
  }

  private confirmed(intent: SandboxIntent, paymentMethod: string): SandboxIntent {
    if (!canConfirm(intent.status)) throw unexpectedState(intent, 'confirm');
    const authenticating = intent.status === 'requires_action';
    const status = outcomeOf(paymentMethod, authenticating);
    const settleAt = status === 'processing' ? this.now() + this.settleDelayMs : null;
    return { ...intent, status, paymentMethod, settleAt };
  }

  private async settle(id: string, now: number): Promise<boolean> {
    let changed = false;
    const intent = await this.store.updateIntent(id, (current) => {
      changed = current.status === 'processing' && (current.settleAt ?? Infinity) <= now;
      return changed ? { ...current, status: 'succeeded', settleAt: null } : current;
    });
    await this.store.unscheduleSettlement(id);
    if (changed) await this.emitIntent(intent);
    return changed;
  }

  private async emitIntent(intent: SandboxIntent): Promise<void> {
    const type = EVENT_TYPE[intent.status];
    if (type === undefined) return;
    const object: IntentEventObject = {
      id: intent.id,
      object: 'payment_intent',
      status: intent.status,
      amount: intent.amount,
      currency: intent.currency,
      amount_refunded: intent.amountRefunded,
      metadata: { payment_id: intent.paymentId },
    };
    await this.emit(type, object);
  }

  private async emit(type: string, object: IntentEventObject | RefundEventObject): Promise<void> {
    const now = this.now();
    const id = `evt_sbx_${randomUUID().replaceAll('-', '')}`;
    const body = JSON.stringify({
      id,
      object: 'event',
      type,
      created: Math.floor(now / 1000),
      data: { object },
    });
    // Queued before the attempt, so a crash between the two still leaves it to redeliver.
    await this.store.queueDelivery(id, body, now + this.redeliveryDelayMs);
    await this.attemptDelivery(id, body, now);
  }

  private async redeliverDue(now: number): Promise<number> {
    let count = 0;
    for (const { eventId, body } of await this.store.dueDeliveries(now)) {
      if (body === null) await this.store.delivered(eventId);
      else if (await this.attemptDelivery(eventId, body, now)) count++;
    }
    return count;
  }

  /** Signs at send time, as gateways do on each retry, so a redelivery is never stale. */
  private async attemptDelivery(eventId: string, body: string, now: number): Promise<boolean> {
    const headers = {
      'content-type': 'application/json',
      [SIGNATURE_HEADER]: signBody(body, this.options.webhookSecret, Math.floor(now / 1000)),
    };
    try {
      await this.options.deliver({ rawBody: Buffer.from(body), headers });
    } catch {
      // The receiver was down or refused it; like a gateway we keep it and try again later.
      await this.store.rescheduleDelivery(eventId, now + this.redeliveryDelayMs);
      return false;
    }
    await this.store.delivered(eventId);
    return true;
  }

  private now(): number {
    return this.options.clock.now().getTime();
  }
}

function outcomeOf(paymentMethod: string, authenticating: boolean): PaymentStatus {
  switch (paymentMethod) {
    case SANDBOX_PAYMENT_METHODS.succeeds:
      return 'succeeded';
    case SANDBOX_PAYMENT_METHODS.declined:
      return 'failed';
    case SANDBOX_PAYMENT_METHODS.authenticationRequired:
      return authenticating ? 'succeeded' : 'requires_action';
    case SANDBOX_PAYMENT_METHODS.processing:
      return 'processing';
    default:
      throw new ProviderRequestError(
        'sandbox',
        'resource_missing',
        `No such PaymentMethod: '${paymentMethod}'`,
        400,
      );
  }
}

function refunded(intent: SandboxIntent, amount: number): SandboxIntent {
  if (intent.status !== 'succeeded') throw unexpectedState(intent, 'refund');
  if (intent.amountRefunded + amount > intent.amount) {
    throw new ProviderRequestError(
      'sandbox',
      'amount_too_large',
      `refund of ${amount} exceeds the unrefunded ${intent.amount - intent.amountRefunded}`,
      400,
    );
  }
  return { ...intent, amountRefunded: intent.amountRefunded + amount };
}

function observedStatus(intent: SandboxIntent): PaymentStatus {
  return intent.status === 'succeeded'
    ? refundStatusFor(intent.amount, intent.amountRefunded)
    : intent.status;
}

function unexpectedState(intent: SandboxIntent, action: string): ProviderRequestError {
  return new ProviderRequestError(
    'sandbox',
    'payment_intent_unexpected_state',
    `cannot ${action} a payment intent in status ${intent.status}`,
    400,
  );
}

/** A verified sandbox event body in our terms (its statuses are already ours). */
export function mapSandboxEvent(body: unknown): ProviderEvent {
  const event = body as {
    id?: unknown;
    type?: unknown;
    created?: unknown;
    data?: { object?: unknown };
  };
  const object = event?.data?.object as
    | {
        object?: unknown;
        id?: unknown;
        status?: unknown;
        amount?: unknown;
        payment_intent?: string;
      }
    | undefined;
  if (
    typeof event?.id !== 'string' ||
    typeof event.type !== 'string' ||
    typeof event.created !== 'number' ||
    !object
  ) {
    throw new WebhookSignatureError('malformed_payload', 'signed body is not a sandbox event');
  }
  const base = { id: event.id, type: event.type, createdAt: new Date(event.created * 1000) };
  if (
    object.object === 'payment_intent' &&
    isPaymentStatus(object.status) &&
    typeof object.id === 'string'
  ) {
    return { ...base, kind: 'payment', providerPaymentId: object.id, status: object.status };
  }
  if (
    object.object === 'refund' &&
    typeof object.id === 'string' &&
    typeof object.amount === 'number'
  ) {
    const refund = {
      providerRefundId: object.id,
      amount: object.amount,
      status: 'succeeded' as const,
    };
    return { ...base, kind: 'refund', providerPaymentId: object.payment_intent ?? null, refund };
  }
  return { ...base, kind: 'other', providerPaymentId: null };
}
