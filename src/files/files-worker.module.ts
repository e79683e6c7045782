import { Module } from '@nestjs/common';
import { FilesModule } from './files.module.js';
import { ObjectDeletion } from './worker/object-deletion.js';

/** Worker role only: deletes stored objects (files.deleted); image processing joins it here. */
@Module({
  imports: [FilesModule],
  providers: [ObjectDeletion],
})
export class FilesWorkerModule {}
