import { Module } from '@nestjs/common';

/** Worker role only: this module's Bull processors and outbox consumers. */
@Module({})
export class NotificationsWorkerModule {}
