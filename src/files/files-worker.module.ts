import { Module } from '@nestjs/common';
import { UsersModule } from '../users/index.js';
import { FilesModule } from './files.module.js';
import { AccountErasure } from './worker/account-erasure.js';
import { FilesProcessor } from './worker/files.processor.js';
import { ImageProcessing } from './worker/image-processing.js';
import { ImageRenderer } from './worker/image-renderer.js';
import { ObjectDeletion } from './worker/object-deletion.js';
import { PendingSweep } from './worker/pending-sweep.js';
import { PendingSweepScheduler } from './worker/pending-sweep.scheduler.js';

/**
 * Worker role only: object deletion (files.deleted), image processing (files.uploaded), the
 * pending-upload sweep, and the purge of a deleted account's files.
 */
@Module({
  imports: [FilesModule, UsersModule],
  providers: [
    ObjectDeletion,
    ImageRenderer,
    ImageProcessing,
    PendingSweep,
    PendingSweepScheduler,
    FilesProcessor,
    AccountErasure,
  ],
  exports: [ImageProcessing, PendingSweep, AccountErasure],
})
export class FilesWorkerModule {}
