import { Module } from '@nestjs/common';
import { OutboxPruneScheduler } from './outbox-prune.scheduler.js';
import { OutboxRelay } from './outbox-relay.js';
import { OutboxProcessor } from './outbox.processor.js';

/**
 * Worker role only: the relay, the processor that hands events to their consumers, and the
 * schedule of the prune job.
 */
@Module({ providers: [OutboxRelay, OutboxProcessor, OutboxPruneScheduler] })
export class OutboxWorkerModule {}
