import { randomBytes, randomUUID } from 'node:crypto';
import { appendFileSync, chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { AppProcess, ROOT } from '../support/app-process.js';
import { PgCluster } from '../support/pg-cluster.js';
import { RedisProcess } from '../support/redis-process.js';
import { SmtpInbox } from '../support/smtp.js';
import { Balancer } from './balancer.js';

const DATABASE = 'app';
export const QUEUE_PREFIX = 'cluster';
/** Where every scenario's counts go, for the lead's notes and CI logs. */
export const SUMMARY_FILE = join(ROOT, '.cluster-summary.jsonl');

/**
 * Short periods so that "once per period" is visible within seconds; every knob is one the
 * product reads (src/config).
 */
const FAST = {
  OUTBOX_POLL_MS: '25',
  NOTIFICATIONS_BACKOFF_MS: '300',
  PAYMENTS_RECONCILE_EVERY_MS: '1000',
  OUTBOX_PRUNE_EVERY_MS: '1000',
  SYNC_PURGE_EVERY_MS: '1000',
  // Many small batches, so that both workers take some.
  NOTIFICATIONS_BROADCAST_BATCH: '100',
  QUEUE_LOCK_MS: '5000',
  QUEUE_STALLED_INTERVAL_MS: '2000',
  QUEUE_CLOSE_TIMEOUT_MS: '4000',
  SHUTDOWN_TIMEOUT_MS: '10000',
  // The pod's preStop / the balancer's health check interval: readiness says 503 this long
  // before the listener closes, so the balancer stops sending new requests first.
  SHUTDOWN_READINESS_DELAY_MS: '500',
};

/**
 * The production shape on one machine: ONE embedded PostgreSQL cluster and ONE private
 * redis-server (free ports, never the machine's), an SMTP sink, two api and two worker processes
 * of the built app (`dist/`), and a round-robin balancer in front of the api instances. The two
 * api instances boot side by side on the fresh database, both migrating on boot.
 */
export class Cluster {
  readonly apis: AppProcess[] = [];
  /** The api processes the cluster booted with (the rolling restart replaces `apis`). */
  readonly firstApis: AppProcess[] = [];
  readonly workers: AppProcess[] = [];
  balancer!: Balancer;
  private readonly secret = randomBytes(32).toString('base64url');
  private restarts = 0;

  private constructor(
    readonly dir: string,
    readonly pg: PgCluster,
    readonly redisServer: RedisProcess,
    readonly smtp: SmtpInbox,
    readonly redis: Redis,
  ) {}

  static async start(): Promise<Cluster> {
    const dir = mkdtempSync(join(tmpdir(), 'app-cluster-'));
    chmodSync(dir, 0o755);
    const pg = await PgCluster.start(join(dir, 'pg'));
    const redisServer = await RedisProcess.start(join(dir, 'redis'));
    const smtp = await SmtpInbox.start();
    const redis = new Redis(redisServer.url, { lazyConnect: false, maxRetriesPerRequest: 1 });
    const cluster = new Cluster(dir, pg, redisServer, smtp, redis);
    try {
      await pg.createDatabase(DATABASE);
      // Both api instances migrate on boot, at the same moment, on the empty database.
      const apis = await Promise.all(
        ['api-1', 'api-2'].map((name) => AppProcess.start('api', cluster.env('api'), dir, name)),
      );
      cluster.apis.push(...apis);
      cluster.firstApis.push(...apis);
      const workers = await Promise.all(
        ['worker-1', 'worker-2'].map((name) =>
          AppProcess.start('worker', cluster.env('worker'), dir, name),
        ),
      );
      cluster.workers.push(...workers);
      cluster.balancer = await Balancer.start(apis.map((a) => a.port));
    } catch (error) {
      await cluster.stop();
      throw error;
    }
    return cluster;
  }

  env(role: 'api' | 'worker'): Record<string, string> {
    return {
      NODE_ENV: 'production',
      DATABASE_URL: `postgres://postgres:postgres@127.0.0.1:${this.pg.port}/${DATABASE}`,
      REDIS_URL: this.redisServer.url,
      SMTP_URL: this.smtp.url,
      QUEUE_PREFIX,
      JWT_SECRET: this.secret,
      MFA_ENCRYPTION_KEY: `${this.secret}-mfa`,
      SANDBOX_WEBHOOK_SECRET: 'whsec_cluster_suite_secret_000',
      TRUST_PROXY: '1',
      // Every client of the suite is 127.0.0.1: per-IP limits would be shared by all scenarios.
      // Per-account and per-IP-and-account limits (what the rate-limit scenario checks) stay.
      AUTH_IP_LIMIT_MULTIPLIER: '100000',
      // The broadcast is sent by an admin made in the database, without a second factor.
      ADMIN_MFA_REQUIRED: 'false',
      DATA_DIR: join(this.dir, 'data'),
      // Every instance runs on this machine and shares DATA_DIR, so the local driver serves all.
      STORAGE_ALLOW_LOCAL_IN_PRODUCTION: 'true',
      LOG_LEVEL: 'info',
      HTTP_LOG: 'false',
      ...FAST,
      DB_MIGRATE_ON_BOOT: role === 'api' ? 'true' : 'false',
    };
  }

  get url(): string {
    return this.balancer.url;
  }

  /** SIGTERM api instance `i`, wait for its exit, start it again (new port), back in rotation. */
  async restartApi(i: number): Promise<{ exitCode: number | null }> {
    const upstream = this.balancer.upstreams[i];
    const old = this.apis[i];
    if (!upstream || !old) throw new Error(`no api ${i}`);
    const exit = await old.stop(15_000);
    upstream.port = null;
    const next = await AppProcess.start(
      'api',
      this.env('api'),
      this.dir,
      `api-${i + 1}-r${++this.restarts}`,
    );
    this.apis[i] = next;
    upstream.port = next.port;
    return { exitCode: exit.code };
  }

  async sql<T = Record<string, unknown>>(query: string, params: unknown[] = []): Promise<T[]> {
    return this.pg.query<T>(DATABASE, query, params);
  }

  async stop(): Promise<void> {
    await this.balancer?.stop().catch(() => undefined);
    const processes = [...this.apis, ...this.workers];
    await Promise.all(processes.map((p) => p.stop(8000).catch(() => undefined)));
    this.redis.disconnect();
    await this.smtp.stop().catch(() => undefined);
    await this.redisServer.stop().catch(() => undefined);
    await this.pg.stop().catch(() => undefined);
    if (!process.env.CLUSTER_KEEP) rmSync(this.dir, { recursive: true, force: true });
  }

  /** Every process's log tail, for a failure message. */
  logs(lines = 20): string {
    return [...this.apis, ...this.workers]
      .map((p) => `--- ${p.name} (pid ${p.pid}) ---\n${p.tail(lines)}`)
      .join('\n');
  }
}

/** Prints a scenario's counts on one line and appends them to the summary file. */
export function report(scenario: string, counts: Record<string, unknown>): void {
  process.stdout.write(`\n[cluster] ${scenario}: ${JSON.stringify(counts)}\n`);
  appendFileSync(SUMMARY_FILE, `${JSON.stringify({ scenario, ...counts })}\n`);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until `check` is truthy or the time is up; returns the last value either way. */
export async function eventually<T>(
  check: () => Promise<T> | T,
  timeoutMs: number,
  intervalMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value || Date.now() > deadline) return value;
    await sleep(intervalMs);
  }
}

export const uniqueEmail = () => `c-${randomUUID()}@example.test`;
