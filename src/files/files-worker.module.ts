import { Module } from '@nestjs/common';
import { UsersModule } from '../users/index.js';
import { FilesModule } from './files.module.js';
import { AccountErasure } from './worker/account-erasure.js';
import { FilesProcessor } from './worker/files.processor.js';
import { ImageProcessing } from './worker/image-processing.js';
import { ImageRenderer } from './worker/image-renderer.js';
import { PendingSweep } from './worker/pending-sweep.js';
import { PendingSweepScheduler } from './worker/pending-sweep.scheduler.js';

/** Worker role only: image processing, the pending-upload sweep, the account purge. */
@Module({
  imports: [FilesModule, UsersModule],
  providers: [
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
