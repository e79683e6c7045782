import { BullModule } from '@nestjs/bull';
import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { AppConfig } from '../config/index.js';
import { backoffStrategies } from './backoff.js';
import { defaultJobOptions } from './job-options.js';
import { QueueShutdown } from './queue-shutdown.js';
import { QUEUES } from './queues.js';

/** Bull's root connection (REDIS_URL, QUEUE_PREFIX) and every queue, registered once. */
@Global()
@Module({})
export class QueueModule {
  static forRoot(config: AppConfig): DynamicModule {
    if (!config.redis.url) throw new Error('redis.url is not resolved');
    const queues = BullModule.registerQueue(
      ...Object.values(QUEUES).map((q) => ({ name: q.name })),
    );
    return {
      module: QueueModule,
      imports: [
        BullModule.forRoot({
          url: config.redis.url,
          prefix: config.queue.prefix,
          defaultJobOptions,
          redis: { maxRetriesPerRequest: null, enableReadyCheck: false },
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
