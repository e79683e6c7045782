import { Module } from '@nestjs/common';

/** Filled in by the files work: controllers, services, repositories. */
@Module({})
export class FilesModule {}
