import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock.js';
import { ProblemException } from '../http/problem.exception.js';
import type { StoredProviderEvent } from './entities/webhook-event.entity.js';
import { PaymentsQueue } from './payments.queue.js';
import {
  PaymentProvider,
  WebhookSignatureError,
  type ProviderEvent,
  type WebhookHeaders,
} from './providers/payment-provider.js';

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
    private readonly dataSource: DataSource,
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
      throw new ProblemException({
        status: 404,
        slug: 'unknown-payment-provider',
        detail: `Webhooks for ${providerName} are not accepted here.`,
      });
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
      throw new ProblemException({
        status: 400,
        slug: 'invalid-webhook-signature',
        detail: 'The webhook signature is missing, invalid or too old.',
      });
    }

    const stored: StoredProviderEvent = { ...event, createdAt: event.createdAt.toISOString() };
    const inserted: Array<{ id: string }> = await this.dataSource.query(
      `INSERT INTO webhook_events (provider, event_id, type, event, status, received_at)
       VALUES ($1, $2, $3, $4::jsonb, 'pending', $5)
       ON CONFLICT (provider, event_id) DO NOTHING
       RETURNING id`,
      [
        this.provider.name,
        event.id.slice(0, 255),
        event.type.slice(0, 100),
        JSON.stringify(stored),
        this.clock.now(),
      ],
    );
    let id: string;
    let duplicate = false;
    if (inserted.length > 0) {
      id = inserted[0].id;
    } else {
      duplicate = true;
      const [row]: Array<{ id: string; status: string }> = await this.dataSource.query(
        `SELECT id, status FROM webhook_events WHERE provider = $1 AND event_id = $2`,
        [this.provider.name, event.id.slice(0, 255)],
      );
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
