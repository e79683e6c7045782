import { Module } from '@nestjs/common';
import { OutboxRelay } from './outbox-relay.js';
import { OutboxProcessor } from './outbox.processor.js';

/** Worker role only: the relay and the processor that hands events to their consumers. */
@Module({ providers: [OutboxRelay, OutboxProcessor] })
export class OutboxWorkerModule {}
