import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock.js';
import { APP_CONFIG, type AppConfig } from '../config/index.js';
import { UsersService } from '../users/users.service.js';
import { CATALOGUE } from './domain/catalogue.js';
import { render } from './domain/render.js';
import { planDeliveries } from './delivery-plan.js';
import type { NotificationBroadcast } from './entities/notification-broadcast.entity.js';
import { NotificationEvents, type PendingEvent } from './notification-events.js';
import { NotificationsQueue, type BroadcastBatchJob } from './notifications.queue.js';
import { NotificationsRepository } from './notifications.repository.js';
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
 * UsersService.activeUserIds), each inserting the batch's notifications and deliveries with two
 * statements, adding the delivery jobs with one addBulk, then enqueueing the next batch. Memory
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
    private readonly repository: NotificationsRepository,
    private readonly queue: NotificationsQueue,
    private readonly events: NotificationEvents,
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

    const inbox: boolean[] = [];
    const plans = userIds.map((userId) => {
      const plan = planDeliveries(
        'announcement',
        settings.get(userId) ?? DEFAULT_SETTINGS,
        zones.get(userId) ?? 'UTC',
        now,
      );
      inbox.push(plan.inbox);
      // Without a device a push job would only find nothing to send: skip it here.
      const deliveries = plan.deliveries.map((d) =>
        d.channel === 'push' && d.status === 'queued' && !withDevices.has(userId)
          ? { ...d, status: 'skipped' as const }
          : d,
      );
      return { userId, deliveries };
    });

    const created = await this.dataSource.transaction(async (manager) => {
      const inserted: Array<{ id: string; user_id: string; created_at: Date }> =
        await manager.query(
          `INSERT INTO notifications
           (user_id, type, category, idempotency_key, title, body, data, inbox, broadcast_id)
         SELECT u.user_id, 'announcement', $3, $4, $5, $6, $7, u.inbox, $8
           FROM unnest($1::uuid[], $2::boolean[]) AS u(user_id, inbox)
         ON CONFLICT (user_id, idempotency_key) DO NOTHING
         RETURNING id, user_id, created_at`,
          [
            userIds,
            inbox,
            CATALOGUE.announcement.category,
            `broadcast:${broadcast.id}`,
            inApp.title,
            inApp.body,
            data,
            broadcast.id,
          ],
        );
      const byUser = new Map(plans.map((p) => [p.userId, p.deliveries]));
      const cols = {
        notification: [] as string[],
        channel: [] as string[],
        status: [] as string[],
        at: [] as string[],
      };
      let queued = 0;
      let skipped = 0;
      for (const n of inserted) {
        for (const d of byUser.get(n.user_id) ?? []) {
          cols.notification.push(n.id);
          cols.channel.push(d.channel);
          cols.status.push(d.status);
          cols.at.push(d.scheduledAt.toISOString());
          if (d.status === 'queued') queued++;
          if (d.status === 'skipped') skipped++;
        }
      }
      if (cols.notification.length > 0) {
        await manager.query(
          `INSERT INTO notification_deliveries (notification_id, channel, status, scheduled_at, sent_at)
           SELECT d.notification_id, d.channel, d.status, d.scheduled_at,
                  CASE WHEN d.status = 'sent' THEN $5::timestamptz END
             FROM unnest($1::uuid[], $2::text[], $3::text[], $4::timestamptz[])
                  AS d(notification_id, channel, status, scheduled_at)
           ON CONFLICT (notification_id, channel) DO NOTHING`,
          [cols.notification, cols.channel, cols.status, cols.at, now.toISOString()],
        );
      }
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
          queued,
          skipped,
        ],
      );
      return inserted;
    });

    const queuedDeliveries: Array<{ id: string; scheduled_at: Date }> = await this.dataSource.query(
      `SELECT d.id, d.scheduled_at FROM notification_deliveries d
         JOIN notifications n ON n.id = d.notification_id
        WHERE n.broadcast_id = $1 AND n.user_id = ANY($2::uuid[]) AND d.status = 'queued'`,
      [broadcast.id, userIds],
    );
    const nowMs = now.getTime();
    await this.queue.deliver(
      queuedDeliveries.map((d) => ({
        deliveryId: d.id,
        delayMs: Math.max(0, d.scheduled_at.getTime() - nowMs),
      })),
    );
    await this.publishEvents(created, inbox, userIds, inApp);
    await this.queue.broadcastBatch({ broadcastId: broadcast.id, afterUserId: lastUserId });
    return { users: userIds.length };
  }

  private async publishEvents(
    created: Array<{ id: string; user_id: string; created_at: Date }>,
    inbox: boolean[],
    userIds: string[],
    inApp: { title: string; body: string },
  ): Promise<void> {
    const shown = new Set(userIds.filter((_, i) => inbox[i]));
    const visible = created.filter((n) => shown.has(n.user_id));
    if (visible.length === 0) return;
    const counts = await this.repository.unreadCounts(visible.map((n) => n.user_id));
    const events: PendingEvent[] = [];
    for (const n of visible) {
      events.push({
        userId: n.user_id,
        event: 'notification',
        data: {
          id: n.id,
          type: 'announcement',
          category: CATALOGUE.announcement.category,
          title: inApp.title,
          body: inApp.body,
          readAt: null,
          createdAt: n.created_at.toISOString(),
        },
      });
      events.push({
        userId: n.user_id,
        event: 'unread-count',
        data: { count: counts.get(n.user_id) ?? 0 },
      });
    }
    await this.events.publish(events);
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
