import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { AppConfig, DatabaseTimeouts } from '../config/index.js';
import { baseDataSourceOptions } from './data-source-options.js';
import { TimeoutSafeClient } from './timeout-safe-client.js';
import { Transactions } from './transactions.js';

@Module({})
export class DatabaseModule {
  static forRoot(config: AppConfig): DynamicModule {
    if (!config.database.url) throw new Error('database.url is not resolved');
    const base = baseDataSourceOptions(config.database.url, config.database.poolSize);
    return {
      module: DatabaseModule,
      global: true,
      providers: [Transactions],
      exports: [Transactions],
      imports: [
        TypeOrmModule.forRoot({
          ...base,
          extra: { ...base.extra, ...poolTimeouts(config.database.timeouts) },
          // Migrations run before the app is built (bootstrap), under an advisory lock.
          migrationsRun: false,
          autoLoadEntities: true,
          // Fail fast: an unreachable database should stop the boot in seconds, not half a minute.
          retryAttempts: 2,
          retryDelay: 1000,
        }),
      ],
    };
  }
}

/**
 * node-postgres pool options bounding every wait of a request on PostgreSQL. Only the app's pool
 * gets them: migrations (their own DataSource) may legitimately run longer than a request.
 */
export function poolTimeouts(timeouts: DatabaseTimeouts) {
  return {
    // Connecting, and waiting for a free client of a full pool.
    connectionTimeoutMillis: timeouts.connectMs,
    statement_timeout: timeouts.statementMs,
    // A server that accepted the query and went silent (not refusing: hanging).
    query_timeout: timeouts.queryMs,
    idle_in_transaction_session_timeout: timeouts.idleInTransactionMs,
    // Notice a dead peer on an idle pooled connection instead of trusting it.
    keepAlive: true,
    Client: TimeoutSafeClient,
  };
}
