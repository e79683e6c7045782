import type { Logger } from 'pino';
import type { AppConfig } from '../config/index.js';
import { ensureDatabase } from '../database/ensure-database.js';
import { runMigrations } from '../database/run-migrations.js';

/** Creates the database (outside production) and applies migrations when DB_MIGRATE_ON_BOOT. */
export async function prepareDatabase(config: AppConfig, logger: Logger): Promise<void> {
  const url = config.database.url;
  if (!url) throw new Error('database.url is not resolved');
  if (config.app.env !== 'production' && (await ensureDatabase(url))) {
    logger.info({ database: new URL(url).pathname.slice(1) }, 'database created');
  }
  if (!config.database.migrateOnBoot) return;
  const applied = await runMigrations(url);
  if (applied.length) logger.info({ migrations: applied }, 'migrations applied');
}
