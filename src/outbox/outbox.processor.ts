import { Process, Processor } from '@nestjs/bull';
import type { Job } from 'bull';
import { QUEUES } from '../queue/queues.js';
import { OutboxConsumers } from './outbox-consumers.js';
import type { OutboxMessage } from './outbox.types.js';

@Processor(QUEUES.outbox.name)
export class OutboxProcessor {
  constructor(private readonly consumers: OutboxConsumers) {}

  @Process({ name: QUEUES.outbox.jobs.deliver, concurrency: 10 })
  async deliver(job: Job<OutboxMessage>): Promise<number> {
    return this.consumers.dispatch(job.data);
  }
}
