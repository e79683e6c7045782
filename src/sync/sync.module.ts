import { Module } from '@nestjs/common';

/** Filled in by the sync work: controllers, services, repositories. */
@Module({})
export class SyncModule {}
