import { DataSource } from 'typeorm';
import { baseDataSourceOptions } from './data-source-options.js';

/** Any constant: instances that start together take turns to migrate. */
const MIGRATION_LOCK = 727_001;

/**
 * Applies pending migrations under a PostgreSQL advisory lock, so several instances booting at
 * once do not race each other; returns the names applied.
 */
export async function runMigrations(url: string): Promise<string[]> {
  const dataSource = new DataSource(baseDataSourceOptions(url, 2));
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
