import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { KeysetCursor } from '../../common/pagination/keyset.js';
import type { DeliveryCount } from '../domain/broadcast-progress.js';
import type { Category, Channel, NotificationType } from '../domain/catalogue.js';
import type { PlannedDelivery } from '../domain/delivery-plan.js';
import type { NotificationView } from '../domain/notification-view.js';
import type { DeliveryStatus } from '../entities/notification-delivery.entity.js';

export interface NewNotification {
  userId: string;
  type: NotificationType;
  category: Category;
  idempotencyKey: string;
  title: string;
  body: string;
  data: Record<string, unknown>;
  inbox: boolean;
  broadcastId?: string | null;
}

export interface QueuedDelivery {
  id: string;
  scheduledAt: Date;
}

/** A notification to store together with its planned deliveries. */
export interface RequestedNotification extends NewNotification {
  deliveries: PlannedDelivery[];
}

/** One inserted by insertRequested: its view and its email/push deliveries left to send. */
export interface CreatedNotification {
  view: NotificationView;
  userId: string;
  idempotencyKey: string;
  inbox: boolean;
  queued: QueuedDelivery[];
}

/** A notification identified by its request: (user, idempotency key). */
export interface NotificationKey {
  userId: string;
  idempotencyKey: string;
}

/** A delivery with what its worker needs of the notification. */
export interface DeliveryRow {
  id: string;
  channel: Channel;
  status: DeliveryStatus;
  claimed_until: Date | null;
  sent_device_ids: string[] | null;
  notification_id: string;
  user_id: string;
  type: NotificationType;
  data: Record<string, unknown>;
}

/** How a delivery ended; `error` already cut to length. */
export interface DeliveryEnd {
  status: 'sent' | 'skipped' | 'failed';
  providerMessageId?: string | null;
  error?: string | null;
  at: Date;
}

interface ViewRow {
  id: string;
  type: NotificationType;
  category: Category;
  title: string;
  body: string;
  read_at: Date | null;
  created_at: Date;
  position: string;
}

interface QueuedRow {
  id: string;
  /** A Date from a column, an ISO string from json. */
  scheduled_at: Date | string;
}

const VIEW_COLUMNS = `id, type, category, title, body, read_at, created_at,
  to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS position`;

/** The SQL of the notifications and notification_deliveries tables (one aggregate). */
@Injectable()
export class NotificationsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Inserts each notification unless its (user, idempotency key) exists, with its deliveries,
   * in one statement: atomic without a transaction's extra round trips, whatever the batch size.
   * Returns the ones inserted now; the others existed already.
   */
  insertRequested(items: RequestedNotification[], now: Date): Promise<CreatedNotification[]> {
    return this.insertWith(this.dataSource.manager, items, now);
  }

  /** insertRequested inside the caller's transaction. */
  insertRequestedIn(
    manager: EntityManager,
    items: RequestedNotification[],
    now: Date,
  ): Promise<CreatedNotification[]> {
    return this.insertWith(manager, items, now);
  }

  private async insertWith(
    manager: EntityManager,
    items: RequestedNotification[],
    now: Date,
  ): Promise<CreatedNotification[]> {
    if (items.length === 0) return [];
    const notifications = items.map((n) => ({
      user_id: n.userId,
      type: n.type,
      category: n.category,
      idempotency_key: n.idempotencyKey,
      title: n.title,
      body: n.body,
      data: n.data,
      inbox: n.inbox,
      broadcast_id: n.broadcastId ?? null,
    }));
    const deliveries = items.flatMap((n) =>
      n.deliveries.map((d) => ({
        user_id: n.userId,
        idempotency_key: n.idempotencyKey,
        channel: d.channel,
        status: d.status,
        scheduled_at: d.scheduledAt.toISOString(),
      })),
    );
    const rows: Array<
      ViewRow & { user_id: string; idempotency_key: string; inbox: boolean; queued: QueuedRow[] }
    > = await manager.query(
      `WITH created AS (
         INSERT INTO notifications
           (user_id, type, category, idempotency_key, title, body, data, inbox, broadcast_id)
         SELECT * FROM jsonb_to_recordset($1::jsonb) AS n(user_id uuid, type text, category text,
           idempotency_key text, title text, body text, data jsonb, inbox boolean,
           broadcast_id uuid)
         ON CONFLICT (user_id, idempotency_key) DO NOTHING
         RETURNING user_id, idempotency_key, inbox, ${VIEW_COLUMNS}
       ), deliveries AS (
         INSERT INTO notification_deliveries (notification_id, channel, status, scheduled_at, sent_at)
         SELECT c.id, d.channel, d.status, d.scheduled_at,
                CASE WHEN d.status = 'sent' THEN $3::timestamptz END
           FROM jsonb_to_recordset($2::jsonb) AS d(user_id uuid, idempotency_key text,
                  channel text, status text, scheduled_at timestamptz)
           JOIN created c USING (user_id, idempotency_key)
         ON CONFLICT (notification_id, channel) DO NOTHING
         RETURNING id, notification_id, status, scheduled_at
       )
       SELECT c.*, COALESCE(q.queued, '[]'::json) AS queued
         FROM created c
         LEFT JOIN (
           SELECT notification_id,
                  json_agg(json_build_object('id', id, 'scheduled_at', scheduled_at)) AS queued
             FROM deliveries WHERE status = 'queued' GROUP BY notification_id
         ) q ON q.notification_id = c.id`,
      [JSON.stringify(notifications), JSON.stringify(deliveries), now.toISOString()],
    );
    return rows.map((r) => ({
      view: toView(r),
      userId: r.user_id,
      idempotencyKey: r.idempotency_key,
      inbox: r.inbox,
      queued: r.queued.map((q) => ({ id: q.id, scheduledAt: new Date(q.scheduled_at) })),
    }));
  }

  /** Email and push deliveries still waiting, of notifications named by their request. */
  async queuedDeliveriesByKey(keys: NotificationKey[]): Promise<QueuedDelivery[]> {
    if (keys.length === 0) return [];
    const rows: QueuedRow[] = await this.dataSource.query(
      `SELECT d.id, d.scheduled_at FROM notification_deliveries d
         JOIN notifications n ON n.id = d.notification_id
         JOIN unnest($1::uuid[], $2::text[]) AS k(user_id, idempotency_key)
           ON n.user_id = k.user_id AND n.idempotency_key = k.idempotency_key
        WHERE d.status = 'queued'`,
      [keys.map((k) => k.userId), keys.map((k) => k.idempotencyKey)],
    );
    return rows.map((r) => ({ id: r.id, scheduledAt: new Date(r.scheduled_at) }));
  }

  /** Newest first; `before` continues after the last row of the previous page. */
  async inbox(
    userId: string,
    opts: { limit: number; unreadOnly: boolean; before: KeysetCursor | null },
  ): Promise<Array<{ view: NotificationView; cursor: KeysetCursor }>> {
    const params: unknown[] = [userId, opts.limit];
    let where = 'user_id = $1 AND inbox';
    if (opts.unreadOnly) where += ' AND read_at IS NULL';
    if (opts.before) {
      params.push(opts.before.createdAt, opts.before.id);
      where += ` AND (created_at, id) < ($3::timestamptz, $4::uuid)`;
    }
    const rows: ViewRow[] = await this.dataSource.query(
      `SELECT ${VIEW_COLUMNS} FROM notifications WHERE ${where}
        ORDER BY created_at DESC, id DESC LIMIT $2`,
      params,
    );
    return rows.map((r) => ({ view: toView(r), cursor: { createdAt: r.position, id: r.id } }));
  }

  async unreadCount(userId: string): Promise<number> {
    const [row]: Array<{ n: number }> = await this.dataSource.query(
      `SELECT count(*)::int AS n FROM notifications WHERE user_id = $1 AND inbox AND read_at IS NULL`,
      [userId],
    );
    return row?.n ?? 0;
  }

  async unreadCounts(userIds: string[]): Promise<Map<string, number>> {
    if (userIds.length === 0) return new Map();
    const rows: Array<{ user_id: string; n: number }> = await this.dataSource.query(
      `SELECT user_id, count(*)::int AS n FROM notifications
        WHERE user_id = ANY($1::uuid[]) AND inbox AND read_at IS NULL GROUP BY user_id`,
      [userIds],
    );
    return new Map(rows.map((r) => [r.user_id, r.n]));
  }

  /**
   * Marks one of the user's inbox notifications read (keeping the first read time); null when
   * it is not theirs or does not exist. `changed` says whether it was unread before.
   */
  async markRead(
    userId: string,
    id: string,
    at: Date,
  ): Promise<{ view: NotificationView; changed: boolean } | null> {
    // Previously unread rows take exactly `at`: that tells whether the unread count changed.
    // TypeORM answers an UPDATE with [rows, affected].
    const [rows]: [Array<ViewRow & { was_unread: boolean }>, number] = await this.dataSource.query(
      `UPDATE notifications SET read_at = COALESCE(read_at, $3), updated_at = now()
        WHERE id = $1 AND user_id = $2 AND inbox
       RETURNING ${VIEW_COLUMNS}, read_at = $3 AS was_unread`,
      [id, userId, at.toISOString()],
    );
    const row = rows[0];
    return row ? { view: toView(row), changed: row.was_unread } : null;
  }

  async markAllRead(userId: string, at: Date): Promise<number> {
    const result: [unknown[], number] = await this.dataSource.query(
      `UPDATE notifications SET read_at = $2, updated_at = now()
        WHERE user_id = $1 AND inbox AND read_at IS NULL`,
      [userId, at.toISOString()],
    );
    return result[1];
  }

  /** A broadcast's deliveries grouped by channel and status. */
  deliveryCountsOfBroadcast(broadcastId: string): Promise<DeliveryCount[]> {
    return this.dataSource.query(
      `SELECT d.channel, d.status, count(*)::int AS n
         FROM notifications n JOIN notification_deliveries d ON d.notification_id = n.id
        WHERE n.broadcast_id = $1 GROUP BY 1, 2`,
      [broadcastId],
    );
  }

  async findDelivery(id: string): Promise<DeliveryRow | null> {
    const rows: DeliveryRow[] = await this.dataSource.query(
      `SELECT d.id, d.channel, d.status, d.claimed_until, d.sent_device_ids, d.notification_id,
              n.user_id, n.type, n.data
         FROM notification_deliveries d JOIN notifications n ON n.id = d.notification_id
        WHERE d.id = $1`,
      [id],
    );
    return rows[0] ?? null;
  }

  /**
   * queued → sending (or a sending row whose lease ran out: its worker died), leased until
   * `until`. Returns the claim (the row's new `attempts`), or null when it is not ours.
   */
  async claimDelivery(id: string, now: Date, until: Date): Promise<number | null> {
    const [rows]: [Array<{ attempts: number }>, number] = await this.dataSource.query(
      `UPDATE notification_deliveries
          SET status = 'sending', attempts = attempts + 1, updated_at = now(),
              claimed_until = $3
        WHERE id = $1
          AND (status = 'queued' OR (status = 'sending' AND claimed_until < $2))
       RETURNING attempts`,
      [id, now.toISOString(), until.toISOString()],
    );
    return rows[0]?.attempts ?? null;
  }

  /** Extends the lease, if the claim is still this one. */
  async renewClaim(id: string, claim: number, until: Date): Promise<void> {
    await this.dataSource.query(
      `UPDATE notification_deliveries SET claimed_until = $3
        WHERE id = $1 AND status = 'sending' AND attempts = $2`,
      [id, claim, until.toISOString()],
    );
  }

  async finishDelivery(id: string, end: DeliveryEnd): Promise<void> {
    await this.dataSource.query(
      `UPDATE notification_deliveries
          SET status = $2::varchar, claimed_until = NULL, updated_at = now(),
              provider_message_id = COALESCE($3, provider_message_id),
              last_error = $4,
              sent_at = CASE WHEN $2::varchar = 'sent' THEN $5::timestamptz ELSE sent_at END,
              failed_at = CASE WHEN $2::varchar = 'failed' THEN $5::timestamptz ELSE failed_at END
        WHERE id = $1`,
      [id, end.status, end.providerMessageId ?? null, end.error ?? null, end.at.toISOString()],
    );
  }

  /** Back to queued for a retry, if the claim is still this one. */
  async requeueDelivery(id: string, claim: number, lastError: string | null): Promise<void> {
    await this.dataSource.query(
      `UPDATE notification_deliveries
          SET status = 'queued', claimed_until = NULL, last_error = $2, updated_at = now()
        WHERE id = $1 AND status = 'sending' AND attempts = $3`,
      [id, lastError, claim],
    );
  }

  /** The devices a push delivery reached so far (a retry skips them). */
  async recordSentDevices(id: string, deviceIds: string[]): Promise<void> {
    await this.dataSource.query(
      `UPDATE notification_deliveries SET sent_device_ids = $2, updated_at = now() WHERE id = $1`,
      [id, JSON.stringify(deviceIds)],
    );
  }
}

function toView(r: ViewRow): NotificationView {
  return {
    id: r.id,
    type: r.type,
    category: r.category,
    title: r.title,
    body: r.body,
    readAt: r.read_at,
    createdAt: r.created_at,
  };
}
