import { Module } from '@nestjs/common';
import { NotificationsModule } from '../notifications/index.js';
import { SyncSignals } from './sync-signals.js';

/** Filled in by the sync work: controllers, services, repositories. */
@Module({
  imports: [NotificationsModule],
  providers: [SyncSignals],
  exports: [SyncSignals],
})
export class SyncModule {}
