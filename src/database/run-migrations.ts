import { DataSource } from 'typeorm';
import type { PgTls } from '../config/index.js';
import { baseDataSourceOptions } from './data-source-options.js';

/** Any constant: instances that start together take turns to migrate. */
const MIGRATION_LOCK = 727_001;

/**
 * Applies pending migrations under a PostgreSQL advisory lock, so several instances booting at
 * once do not race each other; returns the names applied. The lock is a session lock: `url` must
 * reach PostgreSQL directly, not through a pooler in transaction mode (DATABASE_MIGRATION_URL).
 */
export async function runMigrations(url: string, tls: PgTls | null = null): Promise<string[]> {
  const dataSource = new DataSource(baseDataSourceOptions(url, 2, tls));
  await dataSource.initialize();
  const lock = dataSource.createQueryRunner();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await lock.release();
    await dataSource.destroy();
  }
}
