import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UsersModule } from '../users/index.js';
import { NotificationBroadcast } from './entities/notification-broadcast.entity.js';
import { NotificationDelivery } from './entities/notification-delivery.entity.js';
import { NotificationPreference } from './entities/notification-preference.entity.js';
import { Notification } from './entities/notification.entity.js';
import { PushDevice } from './entities/push-device.entity.js';
import { NotificationEvents } from './notification-events.js';
import { NotificationSecrets } from './notification-secrets.js';
import { NotificationsQueue } from './notifications.queue.js';
import { NotificationsRepository } from './notifications.repository.js';
import { PreferencesService } from './preferences.service.js';

/**
 * Internal to the notifications module: its tables, queue producer, preferences and event
 * publisher, shared by the API side (NotificationsModule) and the worker side.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([
      Notification,
      NotificationDelivery,
      NotificationPreference,
      PushDevice,
      NotificationBroadcast,
    ]),
    UsersModule,
  ],
  providers: [
    NotificationsQueue,
    NotificationsRepository,
    NotificationEvents,
    NotificationSecrets,
    PreferencesService,
  ],
  exports: [
    TypeOrmModule,
    UsersModule,
    NotificationsQueue,
    NotificationsRepository,
    NotificationEvents,
    NotificationSecrets,
    PreferencesService,
  ],
})
export class NotificationsCoreModule {}
