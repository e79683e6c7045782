import { InjectQueue } from '@nestjs/bull';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Job, Queue } from 'bull';
import { APP_CONFIG, type AppConfig } from '../../config/index.js';
import { OutboxConsumers } from '../../outbox/outbox-consumers.js';
import { processJobs } from '../../queue/process-jobs.js';
import { QUEUES } from '../../queue/queues.js';
import { BroadcastFanout } from './broadcast-fanout.js';
import { DeliveryService } from './delivery.service.js';
import { NotificationDispatcher } from './notification-dispatcher.js';
import { BROADCAST_REQUESTED, NOTIFICATION_REQUESTED } from '../outbox-events.js';
import type { BroadcastRequestedPayload } from '../outbox-events.js';
import type { BroadcastBatchJob, DeliverJob } from '../notifications.queue.js';

/**
 * Worker role: the `notifications` queue's handlers and the module's outbox consumers.
 * Handlers are registered with processJobs (not `@Process`) so the delivery concurrency comes
 * from configuration.
 */
@Injectable()
export class NotificationsProcessor implements OnModuleInit {
  constructor(
    @InjectQueue(QUEUES.notifications.name) private readonly queue: Queue,
    private readonly consumers: OutboxConsumers,
    private readonly dispatcher: NotificationDispatcher,
    private readonly delivery: DeliveryService,
    private readonly fanout: BroadcastFanout,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.consumers.registerBatch(NOTIFICATION_REQUESTED, 'notifications.create', (messages) =>
      this.dispatcher.handleRequested(messages),
    );
    this.consumers.register(BROADCAST_REQUESTED, 'notifications.broadcast', (message) =>
      this.fanout.start((message.payload as unknown as BroadcastRequestedPayload).broadcastId),
    );
    const { jobs } = QUEUES.notifications;
    processJobs(
      this.queue,
      jobs.deliver,
      this.config.notifications.concurrency,
      (job: Job<DeliverJob>) => this.delivery.process(job),
    );
    // Batches of one broadcast run one after another (each enqueues the next).
    processJobs(this.queue, jobs.broadcastBatch, 2, (job: Job<BroadcastBatchJob>) =>
      this.fanout.batch(job.data),
    );
  }
}
