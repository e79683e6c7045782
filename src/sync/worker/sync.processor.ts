import { Process, Processor } from '@nestjs/bull';
import type { OnModuleInit } from '@nestjs/common';
import { ACCOUNT_DELETED } from '../../common/events/account-events.js';
import { OutboxConsumers } from '../../outbox/outbox-consumers.js';
import { QUEUES } from '../../queue/queues.js';
import { SyncErasure } from './sync-erasure.js';
import { SyncPurge, type PurgeReport } from './sync-purge.js';

/** Worker role: the `sync` queue's purge and the module's outbox consumer. */
@Processor(QUEUES.sync.name)
export class SyncProcessor implements OnModuleInit {
  constructor(
    private readonly purge: SyncPurge,
    private readonly erasure: SyncErasure,
    private readonly consumers: OutboxConsumers,
  ) {}

  onModuleInit(): void {
    this.consumers.register(ACCOUNT_DELETED, 'sync.erase', (message) =>
      this.erasure.handle(message),
    );
  }

  @Process({ name: QUEUES.sync.jobs.purge, concurrency: 1 })
  async runPurge(): Promise<PurgeReport> {
    return this.purge.runOnce();
  }
}
