import pg from 'pg';
import type { PgTls } from '../config/index.js';
import { explainPgTlsError, pgConnection } from './pg-connection.js';

/**
 * Creates the database named in the URL if it does not exist (development and tests only: in
 * production the database is provisioned, and the app's role may not be allowed to create one).
 */
export async function ensureDatabase(url: string, tls: PgTls | null = null): Promise<boolean> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  if (!name) return false;
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const connection = pgConnection(admin.toString(), tls);
  const client = new pg.Client({ connectionString: connection.url, ssl: connection.ssl });
  await client.connect().catch((error: unknown) => {
    throw explainPgTlsError(error, tls);
  });
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount) return false;
    await client.query(`CREATE DATABASE ${quoteIdent(name)}`);
    return true;
  } catch (error) {
    // Two processes starting at once may race to create it; the loser is fine.
    if ((error as { code?: string }).code === '42P04') return false;
    throw error;
  } finally {
    await client.end();
  }
}

/**
 * One connection and `SELECT 1`: a boot fails here, in words an operator can act on, when
 * PostgreSQL's TLS certificate is refused (wrong CA, wrong host name) or TLS is not on.
 */
export async function probeDatabase(url: string, tls: PgTls | null): Promise<void> {
  const connection = pgConnection(url, tls);
  const client = new pg.Client({
    connectionString: connection.url,
    ssl: connection.ssl,
    connectionTimeoutMillis: 10_000,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    throw explainPgTlsError(error, tls);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function dropDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  target.pathname = '/postgres';
  const client = new pg.Client({ connectionString: target.toString() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
