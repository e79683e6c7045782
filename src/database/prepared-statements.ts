import { Inject, Injectable } from '@nestjs/common';
import type { Pool, PoolClient, QueryConfig, QueryResultRow } from 'pg';
import { DataSource, QueryFailedError, type EntityManager } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver.js';
import { APP_CONFIG, type AppConfig } from '../config/index.js';

/** A statement of a hot path, run by name so that PostgreSQL plans it once per connection. */
export interface Statement {
  /** Unique per text: node-postgres refuses one name for two texts. */
  readonly name: string;
  readonly text: string;
}

export const statement = (name: string, text: string): Statement => ({ name, text });

type Queryable = Pick<PoolClient, 'query'>;

/**
 * Runs hot statements as named prepared statements. TypeORM sends every query unnamed, so
 * PostgreSQL parses and plans it each time; on the most frequent requests that was as much
 * database CPU again as the query itself (bench/README.md, sync-changes). Otherwise it is what
 * `DataSource.query` does: TypeORM's pool, the caller's transaction when `manager` is given, and
 * a failed query thrown as a QueryFailedError.
 *
 * Behind PgBouncer (DB_POOLER=pgbouncer) the statements go unnamed: in transaction mode a
 * statement prepared on one server connection is unknown on the next, and PgBouncer only tracks
 * named statements from 1.21 on, with `max_prepared_statements` set.
 */
@Injectable()
export class PreparedStatements {
  private readonly named: boolean;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.named = config.database.pooler === 'none';
  }

  /** The rows the statement returns (SELECT, or a write with RETURNING). */
  async rows<T extends QueryResultRow>(
    sql: Statement,
    values: unknown[],
    manager?: EntityManager,
  ): Promise<T[]> {
    const query: QueryConfig = this.named
      ? { name: sql.name, text: sql.text, values }
      : { text: sql.text, values };
    // In a transaction: its connection. Otherwise the pool's own query(), which checks a
    // connection out and back in (dropping it after an error) without a TypeORM query runner.
    const client: Queryable = manager?.queryRunner
      ? ((await manager.queryRunner.connect()) as PoolClient)
      : this.pool();
    try {
      return (await client.query<T>(query)).rows;
    } catch (error) {
      throw new QueryFailedError(sql.text, values, error as Error);
    }
  }

  private pool(): Pool {
    // TypeORM types its node-postgres pool as `any`.
    return (this.dataSource.driver as PostgresDriver).master as Pool;
  }
}
