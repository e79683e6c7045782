import type { Logger } from 'pino';
import type { AppConfig } from '../config/index.js';
import { ensureDatabase, probeDatabase } from '../database/ensure-database.js';
import { runMigrations } from '../database/run-migrations.js';

/** Creates the database (outside production) and applies migrations when DB_MIGRATE_ON_BOOT. */
export async function prepareDatabase(config: AppConfig, logger: Logger): Promise<void> {
  const { url: appUrl, migrationUrl, migrationTls, tls } = config.database;
  if (!appUrl) throw new Error('database.url is not resolved');
  // Creating the database and migrating go around a pooler (DATABASE_MIGRATION_URL).
  const url = migrationUrl ?? appUrl;
  if (config.app.env !== 'production' && (await ensureDatabase(url, migrationTls))) {
    logger.info({ database: new URL(url).pathname.slice(1) }, 'database created');
  }
  // The app's own URL (through the pooler, with its TLS settings) answers before anything starts.
  await probeDatabase(appUrl, tls);
  if (!config.database.migrateOnBoot) return;
  const applied = await runMigrations(url, migrationTls);
  if (applied.length) logger.info({ migrations: applied }, 'migrations applied');
}
