import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock } from '../../common/clock.js';
import { toNotificationResponse } from '../inbox/dto/notification.dto.js';
import { NotificationsQueue } from '../notifications.queue.js';
import {
  NotificationsRepository,
  type CreatedNotification,
  type RequestedNotification,
} from '../repositories/notifications.repository.js';
import { StreamEvents, type PendingEvent } from '../stream-events.js';

/**
 * The steps every way of creating notifications shares (one request's events, a broadcast's
 * batches): store them with their deliveries in one statement, hand the email/push deliveries to
 * the queue, tell connected clients. Idempotent: notifications that exist already (same user and
 * key) are not stored again, and only their deliveries still queued are re-enqueued (job ids
 * dedupe).
 */
@Injectable()
export class NotificationWriter {
  constructor(
    private readonly repository: NotificationsRepository,
    private readonly queue: NotificationsQueue,
    private readonly events: StreamEvents,
    private readonly clock: Clock,
  ) {}

  /** Stores what is new, in-app deliveries sent at `now`. Returns the new ones. */
  insert(items: RequestedNotification[], now: Date): Promise<CreatedNotification[]> {
    return this.repository.insertRequested(items, now);
  }

  /** insert, inside the caller's transaction. */
  insertIn(
    manager: EntityManager,
    items: RequestedNotification[],
    now: Date,
  ): Promise<CreatedNotification[]> {
    return this.repository.insertRequestedIn(manager, items, now);
  }

  /** After the insert committed: delivery jobs, then the real-time events. */
  async dispatch(items: RequestedNotification[], created: CreatedNotification[]): Promise<void> {
    await this.enqueue(items, created);
    await this.publish(created);
  }

  /** One job per queued delivery, new or left by an earlier run, delayed to its time. */
  private async enqueue(
    items: RequestedNotification[],
    created: CreatedNotification[],
  ): Promise<void> {
    const fresh = new Set(created.map((c) => `${c.userId} ${c.idempotencyKey}`));
    const existing = items.filter((i) => !fresh.has(`${i.userId} ${i.idempotencyKey}`));
    const queued = [
      ...created.flatMap((c) => c.queued),
      ...(await this.repository.queuedDeliveriesByKey(existing)),
    ];
    const now = this.clock.now().getTime();
    await this.queue.deliver(
      queued.map((d) => ({
        deliveryId: d.id,
        delayMs: Math.max(0, d.scheduledAt.getTime() - now),
      })),
    );
  }

  /** Each new inbox notification, then each recipient's unread count, in one Redis call. */
  private async publish(created: CreatedNotification[]): Promise<void> {
    const inbox = created.filter((c) => c.inbox);
    if (inbox.length === 0) return;
    const recipients = [...new Set(inbox.map((c) => c.userId))];
    const counts = await this.repository.unreadCounts(recipients);
    const events: PendingEvent[] = inbox.map((c) => ({
      userId: c.userId,
      event: 'notification',
      data: toNotificationResponse(c.view),
    }));
    for (const userId of recipients)
      events.push({ userId, event: 'unread-count', data: { count: counts.get(userId) ?? 0 } });
    await this.events.publish(events);
  }
}
