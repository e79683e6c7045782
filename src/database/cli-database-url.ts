import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AppConfig } from '../config/index.js';

/** Where the running app leaves its embedded PostgreSQL's URL for the TypeORM CLI. */
export function embeddedUrlFile(config: AppConfig): string {
  return join(config.app.dataDir, 'pg.url');
}

/**
 * DATABASE_MIGRATION_URL (direct, around a pooler), else DATABASE_URL, else the URL of the
 * embedded PostgreSQL of a running `npm start`.
 */
export function cliDatabaseUrl(config: AppConfig): string {
  if (config.database.migrationUrl) return config.database.migrationUrl;
  if (config.database.url) return config.database.url;
  const file = embeddedUrlFile(config);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  throw new Error(
    'DATABASE_URL is not set and no embedded PostgreSQL is running. Start the app (`npm start`) ' +
      'in another terminal, or set DATABASE_URL.',
  );
}
