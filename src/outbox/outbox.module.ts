import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OutboxBacklogReader } from './outbox-backlog.js';
import { OutboxConsumers } from './outbox-consumers.js';
import { OutboxEvent } from './outbox-event.entity.js';
import { OutboxService } from './outbox.service.js';

/** Producers' side, in every role: publish inside a transaction, register consumers. */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([OutboxEvent])],
  providers: [OutboxService, OutboxConsumers, OutboxBacklogReader],
  exports: [OutboxService, OutboxConsumers, OutboxBacklogReader],
})
export class OutboxModule {}
