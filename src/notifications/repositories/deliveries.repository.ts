import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  cursorTimestampSql,
  decodeCursor,
  toPage,
  type Page,
  type PageRequest,
} from '../../common/pagination/keyset.js';
import type { Channel, NotificationType } from '../domain/catalogue.js';
import type { DeliveryStatus } from '../entities/notification-delivery.entity.js';

export interface DeliveryFilter extends PageRequest {
  status?: DeliveryStatus;
  userId?: string;
  channel?: Channel;
}

/** A delivery as operators see it: what, to whom, how it went. Never the message data. */
export interface DeliveryListRow {
  id: string;
  notificationId: string;
  userId: string;
  type: NotificationType;
  channel: Channel;
  status: DeliveryStatus;
  attempts: number;
  lastError: string | null;
  scheduledAt: Date;
  sentAt: Date | null;
  failedAt: Date | null;
  createdAt: Date;
  cursorTs: string;
}

export interface DeliveryCounts {
  sent: number;
  failed: number;
  skipped: number;
  /** Still waiting for their time (quiet hours) or a worker. */
  deferred: number;
}

/** The admin views of notification_deliveries: the list, a retry, the overview counts. */
@Injectable()
export class DeliveriesRepository {
  constructor(private readonly dataSource: DataSource) {}

  async page(filter: DeliveryFilter): Promise<Page<DeliveryListRow>> {
    const cursor = decodeCursor(filter.cursor);
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown): void => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (filter.status) add('d.status = ?', filter.status);
    if (filter.channel) add('d.channel = ?', filter.channel);
    if (filter.userId) add('n.user_id = ?', filter.userId);
    if (cursor) {
      params.push(cursor.createdAt, cursor.id);
      where.push(`(d.created_at, d.id) < ($${params.length - 1}::timestamptz, $${params.length})`);
    }
    params.push(filter.limit + 1);
    const rows: DeliveryListRow[] = await this.dataSource.query(
      `SELECT d.id, d.notification_id AS "notificationId", n.user_id AS "userId", n.type,
              d.channel, d.status, d.attempts, d.last_error AS "lastError",
              d.scheduled_at AS "scheduledAt", d.sent_at AS "sentAt", d.failed_at AS "failedAt",
              d.created_at AS "createdAt", ${cursorTimestampSql('d')} AS "cursorTs"
         FROM notification_deliveries d JOIN notifications n ON n.id = d.notification_id
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY d.created_at DESC, d.id DESC
        LIMIT $${params.length}`,
      params,
    );
    return toPage(rows, filter.limit, (row) => ({ createdAt: row.cursorTs, id: row.id }));
  }

  async findOne(id: string): Promise<DeliveryListRow | null> {
    const rows: DeliveryListRow[] = await this.dataSource.query(
      `SELECT d.id, d.notification_id AS "notificationId", n.user_id AS "userId", n.type,
              d.channel, d.status, d.attempts, d.last_error AS "lastError",
              d.scheduled_at AS "scheduledAt", d.sent_at AS "sentAt", d.failed_at AS "failedAt",
              d.created_at AS "createdAt", ${cursorTimestampSql('d')} AS "cursorTs"
         FROM notification_deliveries d JOIN notifications n ON n.id = d.notification_id
        WHERE d.id = $1`,
      [id],
    );
    return rows[0] ?? null;
  }

  /** failed → queued, due now; false when it was not failed (a concurrent retry won). */
  async requeueFailed(id: string, now: Date): Promise<boolean> {
    const [, affected] = (await this.dataSource.query(
      `UPDATE notification_deliveries
          SET status = 'queued', failed_at = NULL, scheduled_at = $2, claimed_until = NULL,
              updated_at = now()
        WHERE id = $1 AND status = 'failed'`,
      [id, now],
    )) as [unknown, number];
    return affected === 1;
  }

  /** Deliveries created since `since`, by outcome (overview). */
  async countsSince(since: Date): Promise<DeliveryCounts> {
    const rows: Array<{ status: DeliveryStatus; count: string }> = await this.dataSource.query(
      `SELECT status, count(*) AS count FROM notification_deliveries
        WHERE created_at >= $1 GROUP BY status`,
      [since],
    );
    const of = (...statuses: DeliveryStatus[]): number =>
      rows.filter((r) => statuses.includes(r.status)).reduce((sum, r) => sum + Number(r.count), 0);
    return {
      sent: of('sent'),
      failed: of('failed'),
      skipped: of('skipped'),
      deferred: of('queued', 'sending'),
    };
  }
}
