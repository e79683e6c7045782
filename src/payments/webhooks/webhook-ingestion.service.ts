import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../../common/clock.js';
import { invalidWebhookSignature, unknownPaymentProvider } from '../domain/payments.errors.js';
import type { StoredProviderEvent } from '../entities/webhook-event.entity.js';
import { PaymentsQueue } from '../payments.queue.js';
import {
  PaymentProvider,
  WebhookSignatureError,
  type ProviderEvent,
  type WebhookHeaders,
} from '../providers/payment-provider.js';
import { WebhookEventsRepository } from '../repositories/webhook-events.repository.js';

export interface IngestResult {
  webhookEventId: string;
  duplicate: boolean;
}

/**
 * The receiving end of every provider webhook (Stripe's over HTTP, the sandbox's in process):
 * verify the signature over the raw body first, store the event durably (unique per provider
 * and event id), and only then acknowledge. Processing happens in a Bull job.
 */
@Injectable()
export class WebhookIngestionService {
  private readonly logger = new Logger('PaymentsWebhooks');

  constructor(
    private readonly webhookEvents: WebhookEventsRepository,
    private readonly provider: PaymentProvider,
    private readonly queue: PaymentsQueue,
    private readonly clock: Clock,
  ) {}

  async ingest(
    providerName: string,
    rawBody: Buffer | undefined,
    headers: WebhookHeaders,
    meta: { ip?: string } = {},
  ): Promise<IngestResult> {
    if (providerName !== this.provider.name) {
      throw unknownPaymentProvider(providerName);
    }
    let event: ProviderEvent;
    try {
      if (!rawBody || rawBody.length === 0) {
        throw new WebhookSignatureError('malformed_payload', 'empty webhook body');
      }
      event = this.provider.verifyWebhook(rawBody, headers);
    } catch (error) {
      if (!(error instanceof WebhookSignatureError)) throw error;
      // Security log: someone sent an unsigned, tampered or replayed event.
      this.logger.warn(
        { provider: providerName, reason: error.reason, ip: meta.ip },
        'webhook rejected: signature verification failed',
      );
      throw invalidWebhookSignature();
    }

    const stored: StoredProviderEvent = { ...event, createdAt: event.createdAt.toISOString() };
    const eventId = event.id.slice(0, 255);
    const inserted = await this.webhookEvents.insertIfNew({
      provider: this.provider.name,
      eventId,
      type: event.type.slice(0, 100),
      event: stored,
      receivedAt: this.clock.now(),
    });
    let id: string;
    let duplicate = false;
    if (inserted !== null) {
      id = inserted;
    } else {
      duplicate = true;
      const row = await this.webhookEvents.findStored(this.provider.name, eventId);
      id = row.id;
      if (row.status !== 'pending') return { webhookEventId: id, duplicate };
    }
    // Durably stored: from here the event is ours. If Redis is down, reconciliation enqueues it.
    await this.queue.processWebhook(id).catch((error: unknown) => {
      this.logger.warn({ err: error, webhookEventId: id }, 'could not enqueue a webhook event');
    });
    return { webhookEventId: id, duplicate };
  }
}
