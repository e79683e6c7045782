import { Module, type DynamicModule } from '@nestjs/common';
import { AuthModule } from './auth/index.js';
import type { Clock } from './common/clock.js';
import { ClockModule } from './common/clock.module.js';
import { ConfigModule, type AppConfig, type AppRole } from './config/index.js';
import { DatabaseModule } from './database/database.module.js';
import { HealthModule } from './health/health.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { OpsModule } from './ops/ops.module.js';
import { NotificationsWorkerModule } from './notifications/index.js';
import { NotificationsModule } from './notifications/index.js';
import { OutboxWorkerModule } from './outbox/outbox-worker.module.js';
import { OutboxModule } from './outbox/outbox.module.js';
import { FilesModule, FilesWorkerModule } from './files/index.js';
import { PaymentsWorkerModule } from './payments/index.js';
import { PaymentsModule } from './payments/index.js';
import { QueueModule } from './queue/queue.module.js';
import { RedisModule } from './redis/redis.module.js';
import { StorageModule } from './storage/storage.module.js';
import { UsersModule } from './users/index.js';

/** Feature modules: services and controllers, in every role. */
const FEATURES = [UsersModule, AuthModule, NotificationsModule, PaymentsModule, FilesModule];
/** Processors, relays and consumers: only where the worker role runs. */
const WORKERS = [
  OutboxWorkerModule,
  NotificationsWorkerModule,
  PaymentsWorkerModule,
  FilesWorkerModule,
];

export interface AppModuleOptions {
  role?: AppRole;
  /** Tests pass a ManualClock. */
  clock?: Clock;
}

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, options: AppModuleOptions = {}): DynamicModule {
    const role = options.role ?? config.app.role;
    const http = role !== 'worker';
    const worker = role !== 'api';
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        ClockModule.forRoot(options.clock),
        DatabaseModule.forRoot(config),
        QueueModule.forRoot(config),
        RedisModule.forRoot(config),
        OutboxModule,
        StorageModule,
        ...FEATURES,
        ...(http ? [HealthModule] : []),
        MetricsModule.forRoot(config, role),
        ...(http ? [OpsModule] : []),
        ...(worker ? WORKERS : []),
      ],
    };
  }
}
