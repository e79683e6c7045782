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

const VIEW_COLUMNS = `id, type, category, title, body, read_at, created_at,
  to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS position`;

/** The SQL of the notifications and notification_deliveries tables. */
@Injectable()
export class NotificationsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Inserts unless (user, idempotency key) exists; returns the new row's view, or null. */
  async insertNotification(
    manager: EntityManager,
    n: NewNotification,
  ): Promise<NotificationView | null> {
    const rows: ViewRow[] = await manager.query(
      `INSERT INTO notifications
         (user_id, type, category, idempotency_key, title, body, data, inbox, broadcast_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (user_id, idempotency_key) DO NOTHING
       RETURNING ${VIEW_COLUMNS}`,
      [
        n.userId,
        n.type,
        n.category,
        n.idempotencyKey,
        n.title,
        n.body,
        n.data,
        n.inbox,
        n.broadcastId ?? null,
      ],
    );
    return rows[0] ? toView(rows[0]) : null;
  }

  async findIdByKey(userId: string, idempotencyKey: string): Promise<string | null> {
    const rows: Array<{ id: string }> = await this.dataSource.query(
      `SELECT id FROM notifications WHERE user_id = $1 AND idempotency_key = $2`,
      [userId, idempotencyKey],
    );
    return rows[0]?.id ?? null;
  }

  async insertDeliveries(
    manager: EntityManager,
    notificationId: string,
    deliveries: PlannedDelivery[],
    now: Date,
  ): Promise<void> {
    if (deliveries.length === 0) return;
    await manager.query(
      `INSERT INTO notification_deliveries (notification_id, channel, status, scheduled_at, sent_at)
       SELECT $1, d.channel, d.status, d.scheduled_at,
              CASE WHEN d.status = 'sent' THEN $5::timestamptz END
         FROM unnest($2::text[], $3::text[], $4::timestamptz[]) AS d(channel, status, scheduled_at)
       ON CONFLICT (notification_id, channel) DO NOTHING`,
      [
        notificationId,
        deliveries.map((d) => d.channel),
        deliveries.map((d) => d.status),
        deliveries.map((d) => d.scheduledAt.toISOString()),
        now.toISOString(),
      ],
    );
  }

  /** Email and push deliveries still waiting for a worker (to (re-)enqueue them). */
  async queuedDeliveries(notificationIds: string[]): Promise<QueuedDelivery[]> {
    if (notificationIds.length === 0) return [];
    const rows: Array<{ id: string; scheduled_at: Date }> = await this.dataSource.query(
      `SELECT id, scheduled_at FROM notification_deliveries
        WHERE notification_id = ANY($1::uuid[]) AND status = 'queued'`,
      [notificationIds],
    );
    return rows.map((r) => ({ id: r.id, scheduledAt: r.scheduled_at }));
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
