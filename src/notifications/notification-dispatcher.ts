import { Inject, Injectable, Logger } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { APP_CONFIG, type AppConfig } from '../config/index.js';
import type { OutboxMessage } from '../outbox/outbox.types.js';
import { UsersService, type UserContact } from '../users/users.service.js';
import {
  CATALOGUE,
  isNotificationType,
  type NotificationData,
  type NotificationType,
} from './domain/catalogue.js';
import { render } from './domain/render.js';
import { NotificationSecrets } from './notification-secrets.js';
import { planDeliveries } from './delivery-plan.js';
import { toNotificationResponse } from './dto/notification.dto.js';
import { NotificationEvents, type PendingEvent } from './notification-events.js';
import type { NotificationRequestedPayload } from './notifications.events.js';
import { NotificationsQueue } from './notifications.queue.js';
import {
  NotificationsRepository,
  type CreatedNotification,
  type QueuedDelivery,
  type RequestedNotification,
} from './notifications.repository.js';
import { DEFAULT_SETTINGS, PreferencesService } from './preferences.service.js';

/**
 * Worker side of `notify`: turns `notifications.requested` outbox events into stored
 * notifications, one delivery per channel, and one Bull job per email/push delivery. Events
 * arriving together are handled as one batch (OutboxConsumers.registerBatch): two reads, one
 * insert statement, one unread-count query and one Redis call, whatever the batch size.
 * Idempotent: a second run of the same event finds the notification (unique per user + key) and
 * only re-enqueues what is still queued (job ids dedupe).
 */
@Injectable()
export class NotificationDispatcher {
  private readonly logger = new Logger(NotificationDispatcher.name);

  constructor(
    private readonly users: UsersService,
    private readonly preferences: PreferencesService,
    private readonly repository: NotificationsRepository,
    private readonly queue: NotificationsQueue,
    private readonly events: NotificationEvents,
    private readonly clock: Clock,
    private readonly secrets: NotificationSecrets,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async handleRequested(messages: OutboxMessage[]): Promise<void> {
    const requests = messages.map((m) => ({
      eventId: m.id,
      ...(m.payload as unknown as NotificationRequestedPayload),
    }));
    const userIds = [...new Set(requests.map((r) => r.userId))];
    const [contacts, settings] = await Promise.all([
      this.users.findContacts(userIds),
      this.preferences.settingsForMany(userIds),
    ]);
    const now = this.clock.now();
    const items: RequestedNotification[] = [];
    for (const request of requests) {
      const contact = contacts.get(request.userId);
      if (!isNotificationType(request.type)) {
        this.logger.error({ eventId: request.eventId, type: request.type }, 'unknown type');
      } else if (!contact) {
        this.logger.warn({ eventId: request.eventId, userId: request.userId }, 'recipient gone');
      } else {
        const plan = planDeliveries(
          request.type,
          settings.get(contact.id) ?? DEFAULT_SETTINGS,
          contact.timeZone,
          now,
        );
        items.push({ ...this.compose(request.type, request, contact), ...plan });
      }
    }
    const created = await this.repository.insertRequested(items, now);
    await this.enqueue([
      ...created.flatMap((c) => c.queued),
      ...(await this.queuedOfExisting(items, created)),
    ]);
    await this.publish(created);
  }

  /** The stored notification: rendered from the opened data in memory, kept in sealed form. */
  private compose(
    type: NotificationType,
    request: NotificationRequestedPayload,
    contact: UserContact,
  ): Omit<RequestedNotification, 'inbox' | 'deliveries'> {
    const opened = this.secrets.open(request.data) as unknown as NotificationData[typeof type];
    const rendered = render(type, contact.locale, opened, {
      timeZone: contact.timeZone,
      appName: this.config.notifications.appName,
    });
    return {
      userId: contact.id,
      type,
      category: CATALOGUE[type].category,
      idempotencyKey: request.idempotencyKey,
      title: rendered.inApp.title,
      body: rendered.inApp.body,
      data: request.data,
    };
  }

  /** A re-run event's notification existed: its deliveries may still be waiting for a job. */
  private async queuedOfExisting(
    items: RequestedNotification[],
    created: CreatedNotification[],
  ): Promise<QueuedDelivery[]> {
    const fresh = new Set(created.map((c) => `${c.userId} ${c.idempotencyKey}`));
    const existing = items.filter((i) => !fresh.has(`${i.userId} ${i.idempotencyKey}`));
    return this.repository.queuedDeliveriesByKey(existing);
  }

  /** Each new inbox notification, then each recipient's unread count, in one round trip. */
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

  /** One job per queued delivery, delayed to its scheduled time (quiet hours). */
  private async enqueue(deliveries: QueuedDelivery[]): Promise<void> {
    const now = this.clock.now().getTime();
    await this.queue.deliver(
      deliveries.map((d) => ({
        deliveryId: d.id,
        delayMs: Math.max(0, d.scheduledAt.getTime() - now),
      })),
    );
  }
}
