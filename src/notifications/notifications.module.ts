import { Module } from '@nestjs/common';
import { BroadcastsController } from './broadcasts/broadcasts.controller.js';
import { BroadcastsService } from './broadcasts/broadcasts.service.js';
import { DeliveriesController } from './deliveries/deliveries.controller.js';
import { DeliveriesService } from './deliveries/deliveries.service.js';
import { DevicesController } from './devices/devices.controller.js';
import { DevicesService } from './devices/devices.service.js';
import { InboxController } from './inbox/inbox.controller.js';
import { InboxService } from './inbox/inbox.service.js';
import { NotificationsCoreModule } from './notifications-core.module.js';
import { NotificationsService } from './notifications.service.js';
import { PreferencesController } from './preferences/preferences.controller.js';
import { PreferencesService } from './preferences/preferences.service.js';
import { StreamController } from './stream/stream.controller.js';
import { StreamService } from './stream/stream.service.js';
import { DeliveriesRepository } from './repositories/deliveries.repository.js';

/**
 * The notifications API for every role: `NotificationsService.notify` for other modules, and
 * the HTTP endpoints. Processors and outbox consumers live in NotificationsWorkerModule.
 */
@Module({
  imports: [NotificationsCoreModule],
  // In the order of the paths in the OpenAPI document.
  controllers: [
    InboxController,
    PreferencesController,
    DevicesController,
    StreamController,
    BroadcastsController,
    DeliveriesController,
  ],
  providers: [
    NotificationsService,
    InboxService,
    PreferencesService,
    DevicesService,
    StreamService,
    BroadcastsService,
    DeliveriesRepository,
    DeliveriesService,
  ],
  // StreamService: auth ends a revoked session's streams (closeSessions). DeliveriesService: the
  // admin console's overview counts (ops).
  exports: [NotificationsService, StreamService, DeliveriesService],
})
export class NotificationsModule {}
