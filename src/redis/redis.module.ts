import {
  Global,
  Inject,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { Redis, type RedisOptions } from 'ioredis';
import type { AppConfig } from '../config/index.js';
import { redisConnection } from './redis-connection.js';

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
    const connection = redisConnection(config);
    return {
      module: RedisModule,
      providers: [
        {
          provide: Redis,
          useFactory: () =>
            createFailFastRedis({
              ...connection,
              keyPrefix: `${config.queue.prefix}:`,
              commandTimeout: config.redis.commandTimeoutMs,
            }),
        },
      ],
      exports: [Redis],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/**
 * A client whose every command is answered or rejected within `commandTimeout`, so a request
 * never waits on a Redis that is gone (ioredis's default keeps commands in its offline queue
 * until it reconnects: 4 to 17 s seen). Until the first connection, commands queue (the app
 * boots while Redis comes up); from then on, a command sent while disconnected is rejected at
 * once. Callers decide what an unavailable Redis means for them (see the README, "Outages").
 * Duplicates (pub/sub subscribers) keep ioredis's queueing: their SUBSCRIBE is sent before they
 * connect and is replayed on reconnect.
 */
export function createFailFastRedis(options: RedisOptions): Redis {
  const client = new Redis({
    ...options,
    maxRetriesPerRequest: 1,
    // Commands issued in the same tick (a login's three throttle checks, concurrent
    // requests' session GETs) leave in one write: fewer syscalls per request.
    enableAutoPipelining: true,
  });
  client.once('ready', () => {
    // ioredis reads the option on every command.
    client.options.enableOfflineQueue = false;
  });
  const duplicate = client.duplicate.bind(client);
  client.duplicate = (override?: Partial<RedisOptions>) =>
    duplicate({
      enableOfflineQueue: true,
      commandTimeout: undefined,
      maxRetriesPerRequest: 2,
      ...override,
    });
  // Connection errors surface on each command; without a listener they would crash the process.
  client.on('error', () => undefined);
  return client;
}

/** Whether `client` can take a command now (not connecting, reconnecting or closed). */
export function redisReady(client: Redis): boolean {
  return client.status === 'ready';
}
