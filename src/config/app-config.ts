import { authConfig, type AuthConfig } from './auth.config.js';
import { ConfigError } from './config.error.js';
import { fileProcessingConfig, type FileProcessingConfig } from './file-processing.config.js';
import { databaseConfig, type PgTls } from './database.config.js';
import { envSchema, productionRequired, type Env } from './env.js';
import { metricsConfig, type MetricsConfig } from './metrics.config.js';
import { consoleConfig, type ConsoleConfig } from './console.config.js';
import { mfaConfig, type MfaConfig } from './mfa.config.js';
import { notificationsConfig, type NotificationsConfig } from './notifications.config.js';
import { passkeysConfig, type PasskeysConfig } from './passkeys.config.js';
import { oidcConfig, type OidcConfig } from './oidc.config.js';
import { paymentsConfig, type PaymentsConfig } from './payments.config.js';
import { redisConfig, type RedisConfig } from './redis.config.js';
import { storageConfig, type StorageConfig } from './storage.config.js';
import { syncConfig, type SyncConfig } from './sync.config.js';

export type NodeEnv = Env['NODE_ENV'];
export type AppRole = Env['APP_ROLE'];

/** Typed configuration namespaces. Nothing outside src/config reads process.env. */
export interface AppConfig {
  readonly app: {
    env: NodeEnv;
    role: AppRole;
    url: string;
    dataDir: string;
    shutdownTimeoutMs: number;
    /** api: how long readiness answers 503 before the listener closes at shutdown. */
    shutdownReadinessDelayMs: number;
    /** Worker role: serves /health/live and /health/ready here when set. */
    workerHealthPort: number | null;
  };
  readonly http: {
    port: number;
    corsOrigins: string[];
    bodyLimit: string;
    trustProxy: number;
    docsEnabled: boolean;
    requestLogging: boolean;
  };
  /** `url` is null until the embedded PostgreSQL is started (development without DATABASE_URL). */
  readonly database: {
    url: string | null;
    migrateOnBoot: boolean;
    poolSize: number;
    timeouts: DatabaseTimeouts;
    /** TLS to DATABASE_URL (from its sslmode and DB_SSL_CA*); null: plain TCP. */
    tls: PgTls | null;
    /** Direct URL for migrations and creating the database; null: `url`. */
    migrationUrl: string | null;
    migrationTls: PgTls | null;
    /** `pgbouncer`: no session state may be relied on (timeouts are not sent at connect). */
    pooler: 'none' | 'pgbouncer';
  };
  /** `url` is null until the private redis-server is started (development without REDIS_URL). */
  readonly redis: { url: string | null; commandTimeoutMs: number } & RedisConfig;
  readonly queue: {
    prefix: string;
    lockMs: number;
    stalledIntervalMs: number;
    closeTimeoutMs: number;
  };
  readonly outbox: {
    pollMs: number;
    batchSize: number;
    retentionHours: number;
    pruneEveryMs: number;
    concurrency: number;
  };
  readonly log: { level: Env['LOG_LEVEL'] };
  readonly auth: AuthConfig;
  readonly notifications: NotificationsConfig;
  readonly payments: PaymentsConfig;
  readonly passkeys: PasskeysConfig;
  readonly mfa: MfaConfig;
  readonly console: ConsoleConfig;
  readonly oidc: OidcConfig;
  readonly fileProcessing: FileProcessingConfig;
  readonly storage: StorageConfig;
  readonly metrics: MetricsConfig;
  readonly sync: SyncConfig;
}

/** Every wait on PostgreSQL, in milliseconds. */
export interface DatabaseTimeouts {
  /** A new connection, or a free one from the full pool. */
  connectMs: number;
  /** Server side: PostgreSQL cancels a statement running longer. */
  statementMs: number;
  /** Client side: a database that stops answering (no reply at all) fails the query. */
  queryMs: number;
  /** Server side: a session idle inside an open transaction is terminated. */
  idleInTransactionMs: number;
}

type Source = Record<string, string | undefined>;

/** Validates the environment and builds the config, or throws one ConfigError naming every bad variable. */
export function loadConfig(source: Source): AppConfig {
  const parsed = envSchema.safeParse(withoutEmptyValues(source));
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`),
    );
  }
  const env = parsed.data;
  if (env.SHUTDOWN_READINESS_DELAY_MS >= env.SHUTDOWN_TIMEOUT_MS) {
    throw new ConfigError(['SHUTDOWN_READINESS_DELAY_MS: must be less than SHUTDOWN_TIMEOUT_MS']);
  }
  if (env.DB_QUERY_TIMEOUT_MS <= env.DB_STATEMENT_TIMEOUT_MS) {
    // The server's cancel must come first: it ends the statement cleanly, the client-side
    // timeout only abandons the wait.
    throw new ConfigError(['DB_QUERY_TIMEOUT_MS: must be greater than DB_STATEMENT_TIMEOUT_MS']);
  }
  if (env.NODE_ENV === 'production') {
    const missing = productionRequired.filter((name) => env[name] === undefined);
    if (missing.length > 0) {
      throw new ConfigError(missing.map((name) => `${name}: required when NODE_ENV=production`));
    }
  }
  return toConfig(env, withoutEmptyValues(source));
}

function toConfig(env: Env, source: Source): AppConfig {
  const production = env.NODE_ENV === 'production';
  const auth = authConfig(env);
  return {
    app: {
      env: env.NODE_ENV,
      role: env.APP_ROLE,
      url: env.APP_URL.replace(/\/+$/, ''),
      dataDir: env.DATA_DIR,
      shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
      shutdownReadinessDelayMs: env.SHUTDOWN_READINESS_DELAY_MS,
      workerHealthPort: env.WORKER_HEALTH_PORT ?? null,
    },
    http: {
      port: env.PORT,
      corsOrigins: env.CORS_ORIGINS.split(',')
        .map((o) => o.trim())
        .filter(Boolean),
      bodyLimit: env.BODY_LIMIT,
      trustProxy: env.TRUST_PROXY,
      docsEnabled: env.DOCS_ENABLED ?? !production,
      requestLogging: env.HTTP_LOG,
    },
    database: {
      url: env.DATABASE_URL ?? null,
      migrateOnBoot: env.DB_MIGRATE_ON_BOOT,
      poolSize: env.DB_POOL_SIZE,
      timeouts: {
        connectMs: env.DB_CONNECT_TIMEOUT_MS,
        statementMs: env.DB_STATEMENT_TIMEOUT_MS,
        queryMs: env.DB_QUERY_TIMEOUT_MS,
        idleInTransactionMs: env.DB_IDLE_IN_TRANSACTION_TIMEOUT_MS,
      },
      ...databaseConfig(env),
    },
    redis: {
      url: env.REDIS_URL ?? null,
      commandTimeoutMs: env.REDIS_COMMAND_TIMEOUT_MS,
      ...redisConfig(env),
    },
    queue: {
      prefix: env.QUEUE_PREFIX,
      lockMs: env.QUEUE_LOCK_MS,
      stalledIntervalMs: env.QUEUE_STALLED_INTERVAL_MS,
      closeTimeoutMs: env.QUEUE_CLOSE_TIMEOUT_MS,
    },
    outbox: {
      pollMs: env.OUTBOX_POLL_MS,
      batchSize: env.OUTBOX_BATCH_SIZE,
      retentionHours: env.OUTBOX_RETENTION_HOURS,
      pruneEveryMs: env.OUTBOX_PRUNE_EVERY_MS,
      concurrency: env.OUTBOX_CONCURRENCY,
    },
    log: { level: env.LOG_LEVEL },
    auth,
    notifications: notificationsConfig(env),
    payments: paymentsConfig(env),
    sync: syncConfig(env),
    passkeys: passkeysConfig(env),
    mfa: mfaConfig(env, production),
    console: consoleConfig(env),
    // Per-provider variables have names the schema cannot list: read from the source.
    oidc: oidcConfig({ ...env, APP_URL: env.APP_URL.replace(/\/+$/, '') }, source),
    fileProcessing: fileProcessingConfig(env),
    storage: storageConfig(env, auth.jwtSecret),
    metrics: metricsConfig(env, production),
  };
}

/** `FOO=` in a .env file means "unset", not "the empty string". */
function withoutEmptyValues(source: Source): Source {
  return Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
}

/** The process environment: the one place that reads it. */
export function loadConfigFromEnv(overrides: Source = {}): AppConfig {
  return loadConfig({ ...process.env, ...overrides });
}
