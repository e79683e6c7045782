import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UsersModule } from '../users/index.js';
import { NotificationBroadcast } from './entities/notification-broadcast.entity.js';
import { NotificationDelivery } from './entities/notification-delivery.entity.js';
import { NotificationPreference } from './entities/notification-preference.entity.js';
import { Notification } from './entities/notification.entity.js';
import { PushDevice } from './entities/push-device.entity.js';
import { NotificationSecrets } from './notification-secrets.js';
import { NotificationsQueue } from './notifications.queue.js';
import { BroadcastsRepository } from './repositories/broadcasts.repository.js';
import { NotificationsRepository } from './repositories/notifications.repository.js';
import { PreferencesRepository } from './repositories/preferences.repository.js';
import { PushDevicesRepository } from './repositories/push-devices.repository.js';
import { StreamEvents } from './stream-events.js';

const SHARED = [
  NotificationsQueue,
  NotificationsRepository,
  PreferencesRepository,
  PushDevicesRepository,
  BroadcastsRepository,
  StreamEvents,
  NotificationSecrets,
];

/**
 * Internal to the notifications module: its tables and repositories, queue producer, secrets
 * and real-time event publisher, shared by the API side (NotificationsModule) and the worker side.
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
  providers: SHARED,
  exports: [TypeOrmModule, UsersModule, ...SHARED],
})
export class NotificationsCoreModule {}
