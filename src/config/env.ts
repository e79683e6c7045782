import { z } from 'zod';
import { authEnv } from './auth.config.js';
import { databaseEnv } from './database.config.js';
import { bool, int, url } from './env.helpers.js';
import { metricsEnv } from './metrics.config.js';
import { consoleEnv } from './console.config.js';
import { fileProcessingEnv } from './file-processing.config.js';
import { mfaEnv } from './mfa.config.js';
import { notificationsEnv } from './notifications.config.js';
import { passkeysEnv } from './passkeys.config.js';
import { oidcEnv } from './oidc.config.js';
import { paymentsEnv } from './payments.config.js';
import { redisEnv } from './redis.config.js';
import { storageEnv } from './storage.config.js';
import { syncEnv } from './sync.config.js';

/**
 * Every environment variable the app reads, in one schema: the platform's here, each feature's in
 * its own `<feature>.config.ts`. Defaults are development defaults; `productionRequired` names the
 * ones that must be set explicitly when NODE_ENV=production.
 */
export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  APP_ROLE: z.enum(['api', 'worker', 'all']).default('all'),
  PORT: int(0, 65535).default(3000),
  APP_URL: url(/^https?:$/).default('http://localhost:3000'),
  DATA_DIR: z.string().min(1).default('.data'),
  SHUTDOWN_TIMEOUT_MS: int(100, 120_000).default(10_000),
  // api: after SIGTERM, readiness answers 503 this long before the listener closes, so a load
  // balancer that polls readiness stops sending new connections first.
  SHUTDOWN_READINESS_DELAY_MS: int(0, 60_000).default(0),
  WORKER_HEALTH_PORT: int(1, 65535).optional(),

  DATABASE_URL: url(/^postgres(ql)?:$/).optional(),
  DB_MIGRATE_ON_BOOT: bool.default(true),
  DB_POOL_SIZE: int(1, 200).default(10),
  // A database that refuses, stops answering or holds a transaction open must not hold requests:
  // every wait on PostgreSQL is bounded (see the README's "Outages" section).
  DB_CONNECT_TIMEOUT_MS: int(100, 120_000).default(5_000),
  DB_STATEMENT_TIMEOUT_MS: int(100, 3_600_000).default(10_000),
  DB_QUERY_TIMEOUT_MS: int(100, 3_600_000).default(15_000),
  DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: int(100, 3_600_000).default(30_000),
  ...databaseEnv,

  REDIS_URL: url(/^rediss?:$/).optional(),
  REDIS_COMMAND_TIMEOUT_MS: int(50, 60_000).default(1_000),
  ...redisEnv,
  QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'letters, digits and _ . : - only, at most 64')
    .default('app'),
  /** Bull's job lock: a dead worker's job is seen as stalled this long after its last renewal. */
  QUEUE_LOCK_MS: int(500, 600_000).default(30_000),
  /** How often each worker looks for stalled jobs (whose lock ran out) and re-queues them. */
  QUEUE_STALLED_INTERVAL_MS: int(100, 600_000).default(10_000),
  /** Bound on closing a queue at shutdown; past it, its Redis connections are dropped. */
  QUEUE_CLOSE_TIMEOUT_MS: int(100, 120_000).default(8000),
  OUTBOX_POLL_MS: int(10, 60_000).default(250),
  OUTBOX_BATCH_SIZE: int(1, 1000).default(100),
  OUTBOX_RETENTION_HOURS: int(1, 24 * 365).default(72),
  /** How often sent events past their retention are deleted (one worker per period). */
  OUTBOX_PRUNE_EVERY_MS: int(1000, 24 * 3_600_000).default(60_000),
  // Outbox jobs run at once per worker; consumers registered with registerBatch share round trips.
  OUTBOX_CONCURRENCY: int(1, 500).default(100),

  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  HTTP_LOG: bool.default(true),
  CORS_ORIGINS: z.string().default(''),
  BODY_LIMIT: z
    .string()
    .regex(/^\d+(b|kb|mb)$/i, 'a size such as 100kb')
    .default('100kb'),
  TRUST_PROXY: int(0, 10).default(0),
  DOCS_ENABLED: bool.optional(),

  ...authEnv,
  ...notificationsEnv,
  ...paymentsEnv,
  ...syncEnv,
  ...passkeysEnv,
  ...mfaEnv,
  ...consoleEnv,
  ...oidcEnv,
  ...fileProcessingEnv,
  ...storageEnv,
  ...metricsEnv,
});

export type Env = z.infer<typeof envSchema>;

/** Secrets and service URLs: production has no defaults for these. */
export const productionRequired: Array<keyof Env> = [
  'DATABASE_URL',
  'REDIS_URL',
  'JWT_SECRET',
  // Without it mails go to the log: fine on a laptop, lost mail in production.
  'SMTP_URL',
  'MFA_ENCRYPTION_KEY',
];
