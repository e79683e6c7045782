import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UsersModule } from '../users/index.js';
import { AvatarsController } from './avatars/avatars.controller.js';
import { AvatarsService } from './avatars/avatars.service.js';
import { StoredFile } from './entities/stored-file.entity.js';
import { FilesController } from './files/files.controller.js';
import { FilesService } from './files/files.service.js';
import { FilesRepository } from './repositories/files.repository.js';
import { UploadsService } from './uploads/uploads.service.js';

/** Files API (every role): sign uploads, check them, list, download and delete; the avatar. */
@Module({
  imports: [TypeOrmModule.forFeature([StoredFile]), UsersModule],
  controllers: [FilesController, AvatarsController],
  providers: [FilesRepository, UploadsService, FilesService, AvatarsService],
  // What the worker module (object deletion, image processing) builds on.
  exports: [FilesRepository],
})
export class FilesModule {}
