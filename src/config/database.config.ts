import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError } from './config.error.js';
import { type EnvOf, url } from './env.helpers.js';

/** Variables of managed PostgreSQL: TLS, a connection pooler, a direct URL for migrations. */
export const databaseEnv = {
  /**
   * A direct (unpooled) URL for migrations and creating the database: migrations hold a
   * session advisory lock, which a pooler in transaction mode does not keep. Default DATABASE_URL.
   */
  DATABASE_MIGRATION_URL: url(/^postgres(ql)?:$/).optional(),
  /** The CA that signed PostgreSQL's certificate, as PEM text (`\n` escapes allowed). */
  DB_SSL_CA: z.string().min(1).optional(),
  /** The same, as a file path. */
  DB_SSL_CA_FILE: z.string().min(1).optional(),
  /** `pgbouncer`: DATABASE_URL is a PgBouncer in transaction mode (README, "Managed PostgreSQL"). */
  DB_POOLER: z.enum(['none', 'pgbouncer']).default('none'),
};

type DatabaseEnv = EnvOf<typeof databaseEnv> & {
  DATABASE_URL?: string | undefined;
  DB_MIGRATE_ON_BOOT: boolean;
};

/** How the app talks TLS to PostgreSQL (libpq's `sslmode`, with `prefer`/`allow` refused). */
export interface PgTls {
  /** `require`: encrypted, unverified; `verify-ca`: chain checked; `verify-full`: chain and host name. */
  mode: 'require' | 'verify-ca' | 'verify-full';
  /** PEM of the trusted CA(s); null: the system's CAs. */
  ca: string | null;
}

const MODES = ['disable', 'require', 'verify-ca', 'verify-full'] as const;

export function databaseConfig(env: DatabaseEnv) {
  const problems: string[] = [];
  const tls = (source: string, value: string | undefined) =>
    value === undefined ? null : tlsOf(source, value, env, problems);
  const appTls = tls('DATABASE_URL', env.DATABASE_URL);
  const result = {
    tls: appTls,
    migrationUrl: env.DATABASE_MIGRATION_URL ?? null,
    migrationTls: env.DATABASE_MIGRATION_URL
      ? tls('DATABASE_MIGRATION_URL', env.DATABASE_MIGRATION_URL)
      : appTls,
    pooler: env.DB_POOLER,
  };
  if (env.DB_POOLER === 'pgbouncer' && env.DB_MIGRATE_ON_BOOT && !env.DATABASE_MIGRATION_URL) {
    problems.push(
      'DATABASE_MIGRATION_URL: required with DB_POOLER=pgbouncer and DB_MIGRATE_ON_BOOT (migrations ' +
        'hold a session lock a transaction-mode pooler does not keep); or set DB_MIGRATE_ON_BOOT=false',
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return result;
}
export type DatabaseConfig = ReturnType<typeof databaseConfig>;

function tlsOf(source: string, value: string, env: DatabaseEnv, problems: string[]): PgTls | null {
  const params = new URL(value).searchParams;
  for (const param of ['sslcert', 'sslkey', 'sslpassword']) {
    if (params.has(param))
      problems.push(`${source}: ${param} (client certificates) is not supported`);
  }
  const ca = caOf(env, params.get('sslrootcert'), source, problems);
  const requested =
    params.get('sslmode') ?? (/^(true|1)$/.test(params.get('ssl') ?? '') ? 'verify-full' : null);
  // A CA without sslmode means "check the server against it", not "ignore it".
  const mode = requested ?? (ca ? 'verify-full' : 'disable');
  if (!(MODES as readonly string[]).includes(mode)) {
    problems.push(
      `${source}: sslmode=${mode} is not supported (node-postgres cannot fall back between TLS and ` +
        'plain text): use disable, require, verify-ca or verify-full',
    );
    return null;
  }
  if (mode === 'disable') return null;
  // libpq: `require` with a root certificate behaves like verify-ca.
  return { mode: mode === 'require' && ca ? 'verify-ca' : (mode as PgTls['mode']), ca };
}

function caOf(
  env: DatabaseEnv,
  rootCertPath: string | null,
  source: string,
  problems: string[],
): string | null {
  if (env.DB_SSL_CA && env.DB_SSL_CA_FILE) {
    problems.push('DB_SSL_CA / DB_SSL_CA_FILE: set one, not both');
  }
  if (env.DB_SSL_CA) return env.DB_SSL_CA.replace(/\\n/g, '\n');
  const path = env.DB_SSL_CA_FILE ?? rootCertPath;
  if (!path || path === 'system') return null;
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const name = env.DB_SSL_CA_FILE ? 'DB_SSL_CA_FILE' : `${source} sslrootcert`;
    problems.push(`${name}: cannot read ${path} (${(error as NodeJS.ErrnoException).code})`);
    return null;
  }
}
