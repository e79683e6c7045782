import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Role } from '../common/auth/auth-principal.js';
import { OutboxService } from '../outbox/outbox.service.js';
import type { BroadcastResponseDto, DeliveryCountsDto } from './dto/broadcast.dto.js';
import type { BroadcastStatus } from './entities/notification-broadcast.entity.js';
import { BROADCAST_REQUESTED, type BroadcastRequestedPayload } from './notifications.events.js';

interface BroadcastRow {
  id: string;
  title: string;
  role: Role | null;
  status: BroadcastStatus;
  users_processed: number;
  notifications_created: number;
  created_at: Date;
  started_at: Date | null;
  completed_at: Date | null;
}

/** API side of broadcasts: record it (the worker fans it out) and report progress. */
@Injectable()
export class BroadcastsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxService,
  ) {}

  async create(
    adminId: string,
    input: { title: string; body: string; role?: Role },
  ): Promise<BroadcastResponseDto> {
    const id = await this.dataSource.transaction(async (manager) => {
      const [row]: Array<{ id: string }> = await manager.query(
        `INSERT INTO notification_broadcasts (created_by, title, body, role)
         VALUES ($1, $2, $3, $4) RETURNING id`,
        [adminId, input.title, input.body, input.role ?? null],
      );
      if (!row) throw new Error('broadcast insert returned nothing');
      const payload: BroadcastRequestedPayload = { broadcastId: row.id };
      await this.outbox.publish(manager, { type: BROADCAST_REQUESTED, payload: { ...payload } });
      return row.id;
    });
    const created = await this.progress(id);
    if (!created) throw new Error('broadcast vanished');
    return created;
  }

  async progress(id: string): Promise<BroadcastResponseDto | null> {
    const [row]: BroadcastRow[] = await this.dataSource.query(
      `SELECT id, title, role, status, users_processed, notifications_created, created_at,
              started_at, completed_at
         FROM notification_broadcasts WHERE id = $1`,
      [id],
    );
    if (!row) return null;
    const counts: Array<{ channel: string; status: string; n: number }> =
      await this.dataSource.query(
        `SELECT d.channel, d.status, count(*)::int AS n
           FROM notifications n JOIN notification_deliveries d ON d.notification_id = n.id
          WHERE n.broadcast_id = $1 GROUP BY 1, 2`,
        [id],
      );
    const empty = (): DeliveryCountsDto => ({ queued: 0, sent: 0, failed: 0, skipped: 0 });
    const deliveries = { email: empty(), push: empty(), inApp: empty() };
    for (const c of counts) {
      const channel = c.channel === 'in_app' ? 'inApp' : (c.channel as 'email' | 'push');
      // `sending` is internal: still queued as far as the caller can tell.
      const status = c.status === 'sending' ? 'queued' : (c.status as keyof DeliveryCountsDto);
      deliveries[channel][status] += c.n;
    }
    return {
      id: row.id,
      status: row.status,
      title: row.title,
      role: row.role,
      usersProcessed: row.users_processed,
      notificationsCreated: row.notifications_created,
      deliveries,
      createdAt: row.created_at.toISOString(),
      startedAt: row.started_at?.toISOString() ?? null,
      completedAt: row.completed_at?.toISOString() ?? null,
    };
  }
}
