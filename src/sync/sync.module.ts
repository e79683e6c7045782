import { Module } from '@nestjs/common';
import { NotificationsModule } from '../notifications/index.js';
import { UsersModule } from '../users/index.js';
import { ChangesController } from './changes/changes.controller.js';
import { ChangesService } from './changes/changes.service.js';
import { DocumentsController } from './documents/documents.controller.js';
import { DocumentsService } from './documents/documents.service.js';
import { MutationsController } from './mutations/mutations.controller.js';
import { MutationsService } from './mutations/mutations.service.js';
import { SyncDocumentsRepository } from './repositories/sync-documents.repository.js';
import { SyncHeadsRepository } from './repositories/sync-heads.repository.js';
import { SyncMutationsRepository } from './repositories/sync-mutations.repository.js';
import { SyncSignals } from './sync-signals.js';
import { SyncWrites } from './sync-writes.js';
import { UsageController } from './usage/usage.controller.js';
import { UsageService } from './usage/usage.service.js';

/** A user's documents kept in step across devices: documents, change feed, offline batches. */
@Module({
  // NotificationsModule: SyncSignals publishes on the user's real-time stream.
  imports: [UsersModule, NotificationsModule],
  controllers: [DocumentsController, ChangesController, MutationsController, UsageController],
  providers: [
    SyncHeadsRepository,
    SyncDocumentsRepository,
    SyncMutationsRepository,
    SyncSignals,
    SyncWrites,
    DocumentsService,
    ChangesService,
    MutationsService,
    UsageService,
  ],
  exports: [SyncHeadsRepository, SyncDocumentsRepository, SyncMutationsRepository, SyncSignals],
})
export class SyncModule {}
