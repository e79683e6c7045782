import { Inject, Injectable, Logger } from '@nestjs/common';
import { Clock } from '../../common/clock.js';
import { APP_CONFIG, type AppConfig } from '../../config/index.js';
import type { OutboxMessage } from '../../outbox/outbox.types.js';
import { UsersService, type UserContact } from '../../users/index.js';
import {
  CATALOGUE,
  isNotificationType,
  type NotificationData,
  type NotificationType,
} from '../domain/catalogue.js';
import { planDeliveries } from '../domain/delivery-plan.js';
import { DEFAULT_SETTINGS } from '../domain/preferences.js';
import { render } from '../domain/render.js';
import { NotificationSecrets } from '../notification-secrets.js';
import type { NotificationRequestedPayload } from '../outbox-events.js';
import type { RequestedNotification } from '../repositories/notifications.repository.js';
import { PreferencesRepository } from '../repositories/preferences.repository.js';
import { NotificationWriter } from './notification-writer.js';

/**
 * Worker side of `notify`: turns `notifications.requested` outbox events into stored
 * notifications, one delivery per channel, and one Bull job per email/push delivery. Events
 * arriving together are handled as one batch (OutboxConsumers.registerBatch): two reads, then
 * NotificationWriter's statement, whatever the batch size. Idempotent (NotificationWriter).
 */
@Injectable()
export class NotificationDispatcher {
  private readonly logger = new Logger(NotificationDispatcher.name);

  constructor(
    private readonly users: UsersService,
    private readonly preferences: PreferencesRepository,
    private readonly writer: NotificationWriter,
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
    await this.writer.dispatch(items, await this.writer.insert(items, now));
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
}
