import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { Category, NotificationType } from './domain/catalogue.js';
import type { PlannedDelivery } from './delivery-plan.js';
import type { NotificationView } from './dto/notification.dto.js';

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

/** Inbox position: (created_at, id), created_at with PostgreSQL's microseconds kept as text. */
export interface InboxCursor {
  createdAt: string;
  id: string;
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

/** The SQL of the notifications and notification_deliveries tables. */
@Injectable()
export class NotificationsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Inserts each notification unless its (user, idempotency key) exists, with its deliveries,
   * in one statement: atomic without a transaction's extra round trips, whatever the batch size.
   * Returns the ones inserted now; the others existed already. `manager`: inside its transaction.
   */
  async insertRequested(
    items: RequestedNotification[],
    now: Date,
    manager?: EntityManager,
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
    > = await (manager ?? this.dataSource).query(
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
    opts: { limit: number; unreadOnly: boolean; before: InboxCursor | null },
  ): Promise<Array<{ view: NotificationView; cursor: InboxCursor }>> {
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
