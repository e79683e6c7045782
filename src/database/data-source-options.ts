import type { DataSourceOptions } from 'typeorm';
import type { PgTls } from '../config/index.js';
import { migrations } from './migrations/index.js';
import { pgConnection } from './pg-connection.js';
import { SnakeNamingStrategy } from './snake-naming.strategy.js';

/** Options shared by the app, the tests and the CLI (ormconfig.ts). Schema changes only by migration. */
export function baseDataSourceOptions(url: string, poolSize = 10, tls: PgTls | null = null) {
  const connection = pgConnection(url, tls);
  return {
    type: 'postgres',
    url: connection.url,
    ssl: connection.ssl,
    namingStrategy: new SnakeNamingStrategy(),
    synchronize: false,
    // gen_random_uuid() is built into PostgreSQL 13+: no uuid-ossp extension needed.
    uuidExtension: 'pgcrypto',
    migrations,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    extra: { max: poolSize, application_name: 'app-backend' },
  } satisfies DataSourceOptions;
}
