import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { AppConfig, DatabaseTimeouts } from '../config/index.js';
import { baseDataSourceOptions } from './data-source-options.js';
import { PreparedStatements } from './prepared-statements.js';
import { TimeoutSafeClient } from './timeout-safe-client.js';
import { Transactions } from './transactions.js';

@Module({})
export class DatabaseModule {
  static forRoot(config: AppConfig): DynamicModule {
    if (!config.database.url) throw new Error('database.url is not resolved');
    const { poolSize, tls, pooler, timeouts } = config.database;
    const base = baseDataSourceOptions(config.database.url, poolSize, tls);
    return {
      module: DatabaseModule,
      global: true,
      providers: [Transactions, PreparedStatements],
      exports: [Transactions, PreparedStatements],
      imports: [
        TypeOrmModule.forRoot({
          ...base,
          extra: { ...base.extra, ...poolTimeouts(timeouts, pooler) },
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
export function poolTimeouts(timeouts: DatabaseTimeouts, pooler: 'none' | 'pgbouncer' = 'none') {
  // node-postgres sends these two as startup parameters, which PgBouncer refuses ("unsupported
  // startup parameter") and could not keep per client anyway: behind it they are the server's
  // settings (ALTER ROLE … SET, README "Managed PostgreSQL"); the client-side bound stays.
  const session =
    pooler === 'pgbouncer'
      ? {}
      : {
          statement_timeout: timeouts.statementMs,
          idle_in_transaction_session_timeout: timeouts.idleInTransactionMs,
        };
  return {
    // Connecting, and waiting for a free client of a full pool.
    connectionTimeoutMillis: timeouts.connectMs,
    ...session,
    // A server that accepted the query and went silent (not refusing: hanging).
    query_timeout: timeouts.queryMs,
    // Notice a dead peer on an idle pooled connection instead of trusting it.
    keepAlive: true,
    Client: TimeoutSafeClient,
  };
}
