import { BullModule } from '@nestjs/bull';
import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { AppConfig } from '../config/index.js';
import { redisConnection } from '../redis/redis-connection.js';
import { backoffStrategies } from './backoff.js';
import { defaultJobOptions } from './job-options.js';
import { QueueShutdown } from './queue-shutdown.js';
import { QUEUES } from './queues.js';

/** Bull's root connection (REDIS_URL, QUEUE_PREFIX) and every queue, registered once. */
@Global()
@Module({})
export class QueueModule {
  static forRoot(config: AppConfig): DynamicModule {
    const queues = BullModule.registerQueue(
      ...Object.values(QUEUES).map((q) => ({ name: q.name })),
    );
    return {
      module: QueueModule,
      imports: [
        BullModule.forRoot({
          prefix: config.queue.prefix,
          defaultJobOptions,
          // Bull's blocking and subscriber connections refuse these two options set otherwise.
          redis: {
            ...redisConnection(config),
            maxRetriesPerRequest: null,
            enableReadyCheck: false,
          },
          settings: {
            // A killed worker's job is re-queued within lockMs + stalledIntervalMs.
            lockDuration: config.queue.lockMs,
            stalledInterval: config.queue.stalledIntervalMs,
            backoffStrategies,
          },
        }),
        queues,
      ],
      providers: [QueueShutdown],
      exports: [queues],
    };
  }
}
