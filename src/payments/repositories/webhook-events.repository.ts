import { Injectable } from '@nestjs/common';
import { DataSource, LessThan, type EntityManager } from 'typeorm';
import {
  WebhookEvent,
  type StoredProviderEvent,
  type WebhookEventStatus,
} from '../entities/webhook-event.entity.js';

export interface NewWebhookEvent {
  provider: WebhookEvent['provider'];
  eventId: string;
  type: string;
  event: StoredProviderEvent;
  receivedAt: Date;
}

/**
 * Every query of `webhook_events`, the provider events stored before they are acknowledged.
 * Methods taking an EntityManager (first) run in the caller's transaction.
 */
@Injectable()
export class WebhookEventsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** For callers with no transaction to join: each statement commits on its own. */
  get autoCommit(): EntityManager {
    return this.dataSource.manager;
  }

  /** Stores the event once per provider and event id: its row id, or null if already stored. */
  async insertIfNew(row: NewWebhookEvent): Promise<string | null> {
    const inserted: Array<{ id: string }> = await this.dataSource.query(
      `INSERT INTO webhook_events (provider, event_id, type, event, status, received_at)
       VALUES ($1, $2, $3, $4::jsonb, 'pending', $5)
       ON CONFLICT (provider, event_id) DO NOTHING
       RETURNING id`,
      [row.provider, row.eventId, row.type, JSON.stringify(row.event), row.receivedAt],
    );
    return inserted[0]?.id ?? null;
  }

  /** The stored copy of an event: its row id and status. */
  async findStored(
    provider: WebhookEvent['provider'],
    eventId: string,
  ): Promise<{ id: string; status: string }> {
    const [row]: Array<{ id: string; status: string }> = await this.dataSource.query(
      `SELECT id, status FROM webhook_events WHERE provider = $1 AND event_id = $2`,
      [provider, eventId],
    );
    return row;
  }

  /** The provider's events about one of its payments, oldest first (the console's payment page). */
  listForProviderPayment(provider: string, providerPaymentId: string): Promise<WebhookEvent[]> {
    return this.dataSource
      .getRepository(WebhookEvent)
      .createQueryBuilder('w')
      .where('w.provider = :provider', { provider })
      .andWhere(`w.event ->> 'providerPaymentId' = :providerPaymentId`, { providerPaymentId })
      .orderBy('w.created_at', 'ASC')
      .addOrderBy('w.id', 'ASC')
      .take(200)
      .getMany();
  }

  findById(id: string): Promise<WebhookEvent | null> {
    return this.dataSource.getRepository(WebhookEvent).findOneBy({ id });
  }

  lock(manager: EntityManager, id: string): Promise<WebhookEvent | null> {
    return manager.findOne(WebhookEvent, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  /** Counts a failed attempt; `status` is `failed` when no retry follows. */
  async recordFailure(id: string, error: string, status: WebhookEventStatus): Promise<void> {
    await this.dataSource.query(
      `UPDATE webhook_events SET attempts = attempts + 1, last_error = $2, status = $3,
              updated_at = now()
        WHERE id = $1 AND status IN ('pending', 'failed')`,
      [id, error, status],
    );
  }

  async mark(
    manager: EntityManager,
    id: string,
    status: 'processed' | 'ignored',
    at: Date,
  ): Promise<void> {
    await manager.query(
      `UPDATE webhook_events SET status = $2, processed_at = $3, attempts = attempts + 1,
              last_error = NULL, updated_at = now()
        WHERE id = $1`,
      [id, status, at],
    );
  }

  /**
   * Events to process again, oldest first: failed ones with attempts left, and pending ones
   * received before `pendingBefore` (their job never ran).
   */
  findRetryable(
    provider: WebhookEvent['provider'],
    maxAttempts: number,
    pendingBefore: Date,
    limit: number,
  ): Promise<WebhookEvent[]> {
    return this.dataSource.getRepository(WebhookEvent).find({
      where: [
        { provider, status: 'failed', attempts: LessThan(maxAttempts) },
        { provider, status: 'pending', receivedAt: LessThan(pendingBefore) },
      ],
      order: { receivedAt: 'ASC' },
      take: limit,
    });
  }
}
