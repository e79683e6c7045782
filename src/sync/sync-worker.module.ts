import { Module } from '@nestjs/common';
import { SyncModule } from './sync.module.js';
import { SyncErasure } from './worker/sync-erasure.js';
import { SyncPurge } from './worker/sync-purge.js';
import { SyncPurgeScheduler } from './worker/sync-purge.scheduler.js';
import { SyncProcessor } from './worker/sync.processor.js';

/** Worker role only: the retention purge (once per period across workers) and account erasure. */
@Module({
  imports: [SyncModule],
  providers: [SyncPurge, SyncPurgeScheduler, SyncErasure, SyncProcessor],
  exports: [SyncPurge],
})
export class SyncWorkerModule {}
