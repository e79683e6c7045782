import { Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { EmailTransport } from './channels/email.transport.js';
import { BroadcastFanout } from './broadcast-fanout.js';
import { DeliveryService } from './delivery.service.js';
import { NotificationDispatcher } from './notification-dispatcher.js';
import { NotificationStore } from './notification-store.js';
import { NotificationsCoreModule } from './notifications-core.module.js';
import { NotificationsProcessor } from './notifications.processor.js';
import { emailTransportProvider, pushTransportProvider } from './transports.providers.js';

/** Closes the SMTP pool at shutdown. */
@Injectable()
class TransportsShutdown implements OnApplicationShutdown {
  constructor(private readonly email: EmailTransport) {}

  async onApplicationShutdown(): Promise<void> {
    await this.email.close();
  }
}

/** Worker role only: this module's Bull processors and outbox consumers. */
@Module({
  imports: [NotificationsCoreModule],
  providers: [
    emailTransportProvider,
    pushTransportProvider,
    TransportsShutdown,
    NotificationStore,
    NotificationDispatcher,
    DeliveryService,
    BroadcastFanout,
    NotificationsProcessor,
  ],
})
export class NotificationsWorkerModule {}
