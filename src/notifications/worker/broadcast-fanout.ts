import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock.js';
import { APP_CONFIG, type AppConfig } from '../config/index.js';
import { UsersService } from '../users/index.js';
import { CATALOGUE } from './domain/catalogue.js';
import { render } from './domain/render.js';
import { planDeliveries } from './delivery-plan.js';
import type { NotificationBroadcast } from './entities/notification-broadcast.entity.js';
import { NotificationStore } from './notification-store.js';
import { NotificationsQueue, type BroadcastBatchJob } from './notifications.queue.js';
import type { RequestedNotification } from './notifications.repository.js';
import { DEFAULT_SETTINGS, PreferencesService } from './preferences.service.js';

interface BroadcastRow {
  id: string;
  title: string;
  body: string;
  role: NotificationBroadcast['role'];
  status: NotificationBroadcast['status'];
  cursor_user_id: string | null;
}

/**
 * Worker side of a broadcast: one Bull job per batch of users (keyset over
 * UsersService.activeUserIds), each storing the batch's notifications and deliveries with one
 * statement (NotificationStore, in the transaction that moves the broadcast's cursor), adding
 * the delivery jobs with one addBulk, then enqueueing the next batch. Memory
 * is bounded by the batch size whatever the number of users. A batch re-run (crash, stalled job)
 * inserts nothing twice (unique user + key), counts nothing twice (the cursor must still match),
 * and re-adds jobs under the same ids.
 */
@Injectable()
export class BroadcastFanout {
  private readonly logger = new Logger(BroadcastFanout.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly users: UsersService,
    private readonly preferences: PreferencesService,
    private readonly store: NotificationStore,
    private readonly queue: NotificationsQueue,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Outbox consumer of `notifications.broadcast_requested`. */
  async start(broadcastId: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE notification_broadcasts SET status = 'running', started_at = $2, updated_at = now()
        WHERE id = $1 AND status = 'pending'`,
      [broadcastId, this.clock.now().toISOString()],
    );
    await this.queue.broadcastBatch({ broadcastId, afterUserId: null });
  }

  async batch(job: BroadcastBatchJob): Promise<{ users: number }> {
    const rows: BroadcastRow[] = await this.dataSource.query(
      `SELECT id, title, body, role, status, cursor_user_id FROM notification_broadcasts WHERE id = $1`,
      [job.broadcastId],
    );
    const broadcast = rows[0];
    if (!broadcast || broadcast.status === 'completed') return { users: 0 };
    const now = this.clock.now();
    const userIds = await this.users.activeUserIds(
      job.afterUserId,
      this.config.notifications.broadcastBatchSize,
      broadcast.role ?? undefined,
    );
    if (userIds.length === 0) {
      await this.dataSource.query(
        `UPDATE notification_broadcasts SET status = 'completed', completed_at = $2, updated_at = now()
          WHERE id = $1 AND status <> 'completed'`,
        [broadcast.id, now.toISOString()],
      );
      this.logger.log({ broadcastId: broadcast.id }, 'broadcast fanned out');
      return { users: 0 };
    }
    const lastUserId = userIds[userIds.length - 1] ?? null;

    const data = { title: broadcast.title, body: broadcast.body };
    // The announcement's in-app text is the admin's own, the same in every locale.
    const inApp = render('announcement', 'en', data).inApp;
    const settings = await this.preferences.settingsForMany(userIds);
    const zones = await this.zonesOfQuietUsers(
      userIds.filter((id) => settings.get(id)?.quietHours),
    );
    const withDevices = await this.usersWithPushDevices(userIds);

    const items: RequestedNotification[] = userIds.map((userId) => {
      const plan = planDeliveries(
        'announcement',
        settings.get(userId) ?? DEFAULT_SETTINGS,
        zones.get(userId) ?? 'UTC',
        now,
      );
      // Without a device a push job would only find nothing to send: skip it here.
      const deliveries = plan.deliveries.map((d) =>
        d.channel === 'push' && d.status === 'queued' && !withDevices.has(userId)
          ? { ...d, status: 'skipped' as const }
          : d,
      );
      return {
        userId,
        type: 'announcement',
        category: CATALOGUE.announcement.category,
        idempotencyKey: `broadcast:${broadcast.id}`,
        title: inApp.title,
        body: inApp.body,
        data,
        inbox: plan.inbox,
        broadcastId: broadcast.id,
        deliveries,
      };
    });

    // The batch's notifications and the broadcast's cursor and counters commit together.
    const created = await this.dataSource.transaction(async (manager) => {
      const inserted = await this.store.insert(items, now, manager);
      const planned = new Map(items.map((i) => [i.userId, i.deliveries]));
      const deliveries = inserted.flatMap((n) => planned.get(n.userId) ?? []);
      await manager.query(
        `UPDATE notification_broadcasts
            SET cursor_user_id = $3, users_processed = users_processed + $4,
                notifications_created = notifications_created + $5,
                deliveries_queued = deliveries_queued + $6,
                deliveries_skipped = deliveries_skipped + $7, updated_at = now()
          WHERE id = $1 AND cursor_user_id IS NOT DISTINCT FROM $2::uuid`,
        [
          broadcast.id,
          job.afterUserId,
          lastUserId,
          userIds.length,
          inserted.length,
          deliveries.filter((d) => d.status === 'queued').length,
          deliveries.filter((d) => d.status === 'skipped').length,
        ],
      );
      return inserted;
    });
    await this.store.dispatch(items, created);
    await this.queue.broadcastBatch({ broadcastId: broadcast.id, afterUserId: lastUserId });
    return { users: userIds.length };
  }

  /** Time zones of the few users with quiet hours (everyone else is never delayed). */
  private async zonesOfQuietUsers(userIds: string[]): Promise<Map<string, string>> {
    const contacts = await this.users.findContacts(userIds);
    return new Map([...contacts.values()].map((c) => [c.id, c.timeZone]));
  }

  private async usersWithPushDevices(userIds: string[]): Promise<Set<string>> {
    const rows: Array<{ user_id: string }> = await this.dataSource.query(
      `SELECT DISTINCT user_id FROM push_devices WHERE user_id = ANY($1::uuid[])`,
      [userIds],
    );
    return new Set(rows.map((r) => r.user_id));
  }
}
