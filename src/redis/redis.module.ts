import {
  Global,
  Inject,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { Redis } from 'ioredis';
import type { AppConfig } from '../config/index.js';

/**
 * The app's own Redis client (rate limits, caches, pub/sub publishing), injected by its class:
 * `constructor(private readonly redis: Redis)`. Every key it writes starts with `<QUEUE_PREFIX>:`,
 * like Bull's, so one prefix owns everything the app keeps in Redis. A subscriber needs its own
 * connection: `redis.duplicate()`.
 */
@Global()
@Module({})
export class RedisModule implements OnApplicationShutdown {
  constructor(@Inject(Redis) private readonly redis: Redis) {}

  static forRoot(config: AppConfig): DynamicModule {
    if (!config.redis.url) throw new Error('redis.url is not resolved');
    const url = config.redis.url;
    return {
      module: RedisModule,
      providers: [
        {
          provide: Redis,
          useFactory: () => {
            const client = new Redis(url, {
              keyPrefix: `${config.queue.prefix}:`,
              maxRetriesPerRequest: 2,
              // Commands issued in the same tick (a login's three throttle checks, concurrent
              // requests' session GETs) leave in one write: fewer syscalls per request.
              enableAutoPipelining: true,
            });
            // Connection errors surface on each command; without a listener they would crash the process.
            client.on('error', () => undefined);
            return client;
          },
        },
      ],
      exports: [Redis],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
