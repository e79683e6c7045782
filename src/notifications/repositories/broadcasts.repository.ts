import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { Role } from '../../common/auth/auth-principal.js';
import type { NotificationBroadcast } from '../entities/notification-broadcast.entity.js';

/** A broadcast's own columns, as its progress shows them. */
export interface BroadcastRecord {
  id: string;
  title: string;
  role: Role | null;
  status: NotificationBroadcast['status'];
  usersProcessed: number;
  notificationsCreated: number;
  createdAt: Date;
  startedAt: Date | null;
  completedAt: Date | null;
}

/** What the fan-out needs of a broadcast. */
export interface FanoutRow {
  id: string;
  title: string;
  body: string;
  role: NotificationBroadcast['role'];
  status: NotificationBroadcast['status'];
  cursor_user_id: string | null;
}

/** One fanned-out batch: the cursor it started from and moved to, and what it created. */
export interface BatchProgress {
  afterUserId: string | null;
  lastUserId: string | null;
  users: number;
  notifications: number;
  deliveriesQueued: number;
  deliveriesSkipped: number;
}

interface RecordRow {
  id: string;
  title: string;
  role: Role | null;
  status: NotificationBroadcast['status'];
  users_processed: number;
  notifications_created: number;
  created_at: Date;
  started_at: Date | null;
  completed_at: Date | null;
}

/** The SQL of the notification_broadcasts table. */
@Injectable()
export class BroadcastsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(
    manager: EntityManager,
    adminId: string,
    input: { title: string; body: string; role?: Role },
  ): Promise<string> {
    const [row]: Array<{ id: string }> = await manager.query(
      `INSERT INTO notification_broadcasts (created_by, title, body, role)
       VALUES ($1, $2, $3, $4) RETURNING id`,
      [adminId, input.title, input.body, input.role ?? null],
    );
    if (!row) throw new Error('broadcast insert returned nothing');
    return row.id;
  }

  async find(id: string): Promise<BroadcastRecord | null> {
    const [row]: RecordRow[] = await this.dataSource.query(
      `SELECT id, title, role, status, users_processed, notifications_created, created_at,
              started_at, completed_at
         FROM notification_broadcasts WHERE id = $1`,
      [id],
    );
    if (!row) return null;
    return {
      id: row.id,
      title: row.title,
      role: row.role,
      status: row.status,
      usersProcessed: row.users_processed,
      notificationsCreated: row.notifications_created,
      createdAt: row.created_at,
      startedAt: row.started_at,
      completedAt: row.completed_at,
    };
  }

  async findForFanout(id: string): Promise<FanoutRow | null> {
    const rows: FanoutRow[] = await this.dataSource.query(
      `SELECT id, title, body, role, status, cursor_user_id FROM notification_broadcasts WHERE id = $1`,
      [id],
    );
    return rows[0] ?? null;
  }

  /** pending → running; a second start does nothing. */
  async markRunning(id: string, at: Date): Promise<void> {
    await this.dataSource.query(
      `UPDATE notification_broadcasts SET status = 'running', started_at = $2, updated_at = now()
        WHERE id = $1 AND status = 'pending'`,
      [id, at.toISOString()],
    );
  }

  async markCompleted(id: string, at: Date): Promise<void> {
    await this.dataSource.query(
      `UPDATE notification_broadcasts SET status = 'completed', completed_at = $2, updated_at = now()
        WHERE id = $1 AND status <> 'completed'`,
      [id, at.toISOString()],
    );
  }

  /** Moves the cursor and adds the batch's counts, only if the cursor is still where it began. */
  async recordBatch(manager: EntityManager, id: string, batch: BatchProgress): Promise<void> {
    await manager.query(
      `UPDATE notification_broadcasts
          SET cursor_user_id = $3, users_processed = users_processed + $4,
              notifications_created = notifications_created + $5,
              deliveries_queued = deliveries_queued + $6,
              deliveries_skipped = deliveries_skipped + $7, updated_at = now()
        WHERE id = $1 AND cursor_user_id IS NOT DISTINCT FROM $2::uuid`,
      [
        id,
        batch.afterUserId,
        batch.lastUserId,
        batch.users,
        batch.notifications,
        batch.deliveriesQueued,
        batch.deliveriesSkipped,
      ],
    );
  }
}
