import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock.js';
import { APP_CONFIG, type AppConfig } from '../config/index.js';
import type { OutboxMessage } from '../outbox/outbox.types.js';
import { UsersService } from '../users/users.service.js';
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
import { NotificationEvents } from './notification-events.js';
import type { NotificationRequestedPayload } from './notifications.events.js';
import { NotificationsQueue } from './notifications.queue.js';
import { NotificationsRepository, type QueuedDelivery } from './notifications.repository.js';
import { PreferencesService } from './preferences.service.js';

/**
 * Worker side of `notify`: turns a `notifications.requested` outbox event into the stored
 * notification, one delivery per channel, and one Bull job per email/push delivery. Idempotent:
 * a second run of the same event finds the notification (unique per user + key) and only
 * re-enqueues what is still queued (job ids dedupe).
 */
@Injectable()
export class NotificationDispatcher {
  private readonly logger = new Logger(NotificationDispatcher.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly users: UsersService,
    private readonly preferences: PreferencesService,
    private readonly repository: NotificationsRepository,
    private readonly queue: NotificationsQueue,
    private readonly events: NotificationEvents,
    private readonly clock: Clock,
    private readonly secrets: NotificationSecrets,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async handleRequested(message: OutboxMessage): Promise<void> {
    const request = message.payload as unknown as NotificationRequestedPayload;
    if (!isNotificationType(request.type)) {
      this.logger.error({ eventId: message.id, type: request.type }, 'unknown notification type');
      return;
    }
    const contact = await this.users.findContact(request.userId);
    if (!contact) {
      this.logger.warn({ eventId: message.id, userId: request.userId }, 'recipient is gone');
      return;
    }
    const type: NotificationType = request.type;
    const now = this.clock.now();
    const settings = await this.preferences.settingsFor(contact.id);
    const plan = planDeliveries(type, settings, contact.timeZone, now);
    // Rendered from the opened data in memory; the row keeps the sealed form.
    const opened = this.secrets.open(request.data) as unknown as NotificationData[typeof type];
    const rendered = render(type, contact.locale, opened, {
      timeZone: contact.timeZone,
      appName: this.config.notifications.appName,
    });

    const created = await this.dataSource.transaction(async (manager) => {
      const view = await this.repository.insertNotification(manager, {
        userId: contact.id,
        type,
        category: CATALOGUE[type].category,
        idempotencyKey: request.idempotencyKey,
        title: rendered.inApp.title,
        body: rendered.inApp.body,
        data: request.data,
        inbox: plan.inbox,
      });
      if (view) await this.repository.insertDeliveries(manager, view.id, plan.deliveries, now);
      return view;
    });

    const id =
      created?.id ?? (await this.repository.findIdByKey(contact.id, request.idempotencyKey));
    if (!id) return;
    await this.enqueue(await this.repository.queuedDeliveries([id]));
    if (created && plan.inbox) {
      const count = await this.repository.unreadCount(contact.id);
      await this.events.publish([
        { userId: contact.id, event: 'notification', data: toNotificationResponse(created) },
        { userId: contact.id, event: 'unread-count', data: { count } },
      ]);
    }
  }

  /** One job per queued delivery, delayed to its scheduled time (quiet hours). */
  async enqueue(deliveries: QueuedDelivery[]): Promise<void> {
    const now = this.clock.now().getTime();
    await this.queue.deliver(
      deliveries.map((d) => ({
        deliveryId: d.id,
        delayMs: Math.max(0, d.scheduledAt.getTime() - now),
      })),
    );
  }
}
