import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { StoredFile } from './entities/stored-file.entity.js';
import { FilesController } from './files/files.controller.js';
import { FilesService } from './files/files.service.js';
import { FilesRepository } from './repositories/files.repository.js';
import { UploadsService } from './uploads/uploads.service.js';

/** Files API (every role): sign uploads, check them, list, download and delete. */
@Module({
  imports: [TypeOrmModule.forFeature([StoredFile])],
  controllers: [FilesController],
  providers: [FilesRepository, UploadsService, FilesService],
  // What the worker module (object deletion, image processing) builds on.
  exports: [FilesRepository],
})
export class FilesModule {}
