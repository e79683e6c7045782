import { InjectQueue } from '@nestjs/bull';
import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { Job, Queue } from 'bull';
import { APP_CONFIG, type AppConfig } from '../config/index.js';
import { QUEUES } from '../queue/queues.js';
import { OutboxConsumers } from './outbox-consumers.js';
import type { OutboxMessage } from './outbox.types.js';

/**
 * Runs outbox jobs through their consumers. Registered with `queue.process` (not `@Process`) so
 * the concurrency comes from configuration: it is also the largest batch a batched consumer sees.
 */
@Injectable()
export class OutboxProcessor implements OnModuleInit {
  private readonly logger = new Logger(OutboxProcessor.name);

  constructor(
    @InjectQueue(QUEUES.outbox.name) private readonly queue: Queue,
    private readonly consumers: OutboxConsumers,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    const { name, jobs } = QUEUES.outbox;
    const handler = (job: Job<OutboxMessage>) => this.consumers.dispatch(job.data);
    // Bull's process() promise settles only when the queue closes.
    this.queue.process(jobs.deliver, this.config.outbox.concurrency, handler).catch((error) => {
      this.logger.error({ err: error, queue: name }, 'outbox processor stopped');
    });
  }
}
