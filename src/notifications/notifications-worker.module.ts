import { Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { NotificationsCoreModule } from './notifications-core.module.js';
import { BroadcastFanout } from './worker/broadcast-fanout.js';
import { BroadcastRecipients } from './worker/broadcast-recipients.js';
import { DeliveryService } from './worker/delivery.service.js';
import { NotificationDispatcher } from './worker/notification-dispatcher.js';
import { NotificationWriter } from './worker/notification-writer.js';
import { NotificationsProcessor } from './worker/notifications.processor.js';
import { PushSender } from './worker/push-sender.js';
import { EmailTransport } from './worker/transports/email.transport.js';
import {
  emailTransportProvider,
  pushTransportProvider,
} from './worker/transports/transports.providers.js';

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
    NotificationWriter,
    NotificationDispatcher,
    PushSender,
    DeliveryService,
    BroadcastRecipients,
    BroadcastFanout,
    NotificationsProcessor,
  ],
})
export class NotificationsWorkerModule {}
