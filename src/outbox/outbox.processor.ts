import { InjectQueue } from '@nestjs/bull';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Job, Queue } from 'bull';
import { APP_CONFIG, type AppConfig } from '../config/index.js';
import { processJobs } from '../queue/process-jobs.js';
import { QUEUES } from '../queue/queues.js';
import { OutboxConsumers } from './outbox-consumers.js';
import { OutboxRelay } from './outbox-relay.js';
import type { OutboxMessage } from './outbox.types.js';

/**
 * Runs outbox jobs through their consumers, `OUTBOX_CONCURRENCY` at once: also the largest batch
 * a batched consumer sees. The repeatable prune job runs one at a time.
 */
@Injectable()
export class OutboxProcessor implements OnModuleInit {
  constructor(
    @InjectQueue(QUEUES.outbox.name) private readonly queue: Queue,
    private readonly consumers: OutboxConsumers,
    private readonly relay: OutboxRelay,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    processJobs(
      this.queue,
      QUEUES.outbox.jobs.deliver,
      this.config.outbox.concurrency,
      (job: Job<OutboxMessage>) => this.consumers.dispatch(job.data),
    );
    processJobs(this.queue, QUEUES.outbox.jobs.prune, 1, async () => ({
      deleted: await this.relay.prune(),
    }));
  }
}
