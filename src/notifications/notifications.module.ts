import { Module } from '@nestjs/common';
import { BroadcastsService } from './broadcasts.service.js';
import { DevicesService } from './devices.service.js';
import { InboxService } from './inbox.service.js';
import { NotificationsCoreModule } from './notifications-core.module.js';
import { NotificationsController } from './notifications.controller.js';
import { NotificationsService } from './notifications.service.js';
import { StreamService } from './stream.service.js';

/**
 * The notifications API for every role: `NotificationsService.notify` for other modules, and
 * the HTTP endpoints. Processors and outbox consumers live in NotificationsWorkerModule.
 */
@Module({
  imports: [NotificationsCoreModule],
  controllers: [NotificationsController],
  providers: [NotificationsService, InboxService, DevicesService, StreamService, BroadcastsService],
  // StreamService: auth ends a revoked session's streams (closeSessions).
  exports: [NotificationsService, StreamService],
})
export class NotificationsModule {}
