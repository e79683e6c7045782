import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { AppConfig } from '../config/index.js';
import { embeddedUrlFile } from '../database/cli-database-url.js';
import { startEmbeddedPostgres } from '../database/embedded-postgres.js';
import { startLocalRedis } from '../redis/local-redis.js';

export interface ResolvedServices {
  /** The config with database and Redis URLs filled in. */
  config: AppConfig;
  /** Stops whatever this process started (nothing, when both URLs were given). */
  stop(): Promise<void>;
}

/**
 * With DATABASE_URL / REDIS_URL unset (development), starts a private PostgreSQL and redis-server
 * with their data under DATA_DIR. With the URLs set, starts nothing.
 */
export async function resolveServices(
  config: AppConfig,
  logger: Logger,
): Promise<ResolvedServices> {
  const stops: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const fn of stops.reverse())
      await fn().catch((err) => logger.warn({ err }, 'stopping a local service failed'));
  };
  try {
    let databaseUrl = config.database.url;
    if (!databaseUrl) {
      const pg = await startEmbeddedPostgres({
        dataDir: join(config.app.dataDir, 'pg'),
        persistent: true,
        log: (line) => logger.debug({ service: 'postgres' }, line),
      });
      const urlFile = embeddedUrlFile(config);
      stops.push(async () => {
        rmSync(urlFile, { force: true });
        await pg.stop();
      });
      databaseUrl = pg.url;
      // For the TypeORM CLI (npm run migration:*) while the app runs.
      writeFileSync(urlFile, `${pg.url}\n`, { mode: 0o600 });
      logger.info(
        { url: redactPassword(pg.url) },
        'embedded PostgreSQL started (DATABASE_URL unset)',
      );
    }
    let redisUrl = config.redis.url;
    if (!redisUrl) {
      const redis = await startLocalRedis(join(config.app.dataDir, 'redis'));
      stops.push(redis.stop);
      redisUrl = redis.url;
      logger.info({ url: redis.url }, 'private redis-server started (REDIS_URL unset)');
    }
    return {
      config: {
        ...config,
        database: { ...config.database, url: databaseUrl },
        redis: { ...config.redis, url: redisUrl },
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

export function redactPassword(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}
