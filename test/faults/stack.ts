import { randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppProcess } from '../support/app-process.js';
import { seedWelcomeNotifications } from '../support/factories.js';
import { FaultProxy } from '../support/fault-proxy.js';
import { PgCluster } from '../support/pg-cluster.js';
import { RedisProcess } from '../support/redis-process.js';
import { SmtpInbox, type ReceivedMail } from '../support/smtp.js';
import type { FakeStripeApi } from '../support/stripe.js';

export const DATABASE = 'app';
export const WEBHOOK_SECRET = 'whsec_faults_suite_secret_0000';

/**
 * Short timings so that every scenario fits in a minute: every knob here is one the product
 * already reads (src/config); each scenario may override them.
 */
const FAST = {
  OUTBOX_POLL_MS: '25',
  NOTIFICATIONS_BACKOFF_MS: '300',
  NOTIFICATIONS_SEND_LEASE_MS: '3000',
  // A dead worker's job is re-queued once its Bull lock (renewed every half of it) has run out,
  // at the next stalled-job check: seconds instead of the production 30 s + 10 s.
  QUEUE_LOCK_MS: '4000',
  QUEUE_STALLED_INTERVAL_MS: '1000',
  // Below SHUTDOWN_TIMEOUT_MS, as the product requires of it.
  QUEUE_CLOSE_TIMEOUT_MS: '4000',
  PAYMENTS_RECONCILE_EVERY_MS: '1000',
  PAYMENTS_STUCK_AFTER_MS: '1000',
  SHUTDOWN_TIMEOUT_MS: '10000',
};

export interface StackOptions {
  /** For both processes. */
  env?: Record<string, string>;
  apiEnv?: Record<string, string>;
  workerEnv?: Record<string, string>;
  /** Start a worker (default true). */
  worker?: boolean;
  /** A Stripe stand-in: the app runs with PAYMENTS_PROVIDER=stripe against it. */
  stripe?: FakeStripeApi;
  /**
   * Peers the app reaches through their fault proxy (default: SMTP only). PostgreSQL and Redis
   * are reached directly unless asked: a real outage refuses connections, which a proxy (it
   * accepts, then closes) would not reproduce.
   */
  proxied?: Array<'db' | 'redis' | 'smtp'>;
}

export interface Answer {
  status: number;
  /** 0 when no HTTP answer came (connection refused or reset, timeout). */
  body: Record<string, unknown> | null;
  headers: Headers | null;
  ms: number;
  error: string | null;
}

/**
 * One scenario's world: a private PostgreSQL cluster and redis-server (free ports, never the
 * machine's), an SMTP sink counting every mail, the api and the worker as separate processes of
 * the built app. A fault proxy stands before each peer (`proxied` says which ones the app goes
 * through), so a scenario can also slow, stall or cut those links.
 */
export class Stack {
  api!: AppProcess;
  worker: AppProcess | null = null;
  readonly workers: AppProcess[] = [];
  private readonly jwtSecret = randomBytes(32).toString('base64url');
  private workerCount = 0;

  private constructor(
    readonly dir: string,
    readonly pg: PgCluster,
    readonly redis: RedisProcess,
    readonly smtp: SmtpInbox,
    readonly dbProxy: FaultProxy,
    readonly redisProxy: FaultProxy,
    readonly smtpProxy: FaultProxy,
    private readonly options: StackOptions,
  ) {}

  static async start(options: StackOptions = {}): Promise<Stack> {
    const t0 = Date.now();
    const dir = mkdtempSync(join(tmpdir(), 'app-faults-'));
    chmodSync(dir, 0o755);
    const pg = await PgCluster.start(join(dir, 'pg'));
    const redis = await RedisProcess.start(join(dir, 'redis'));
    const smtp = await SmtpInbox.start();
    const smtpPort = Number(new URL(smtp.url).port);
    const stack = new Stack(
      dir,
      pg,
      redis,
      smtp,
      await FaultProxy.start(pg.port),
      await FaultProxy.start(redis.port),
      await FaultProxy.start(smtpPort),
      options,
    );
    const t1 = Date.now();
    try {
      await pg.createDatabase(DATABASE);
      // Both apply migrations at boot (advisory-locked): they start side by side.
      const [api, worker] = await Promise.all([
        AppProcess.start('api', stack.env('api'), dir),
        options.worker === false ? null : stack.startWorker({ DB_MIGRATE_ON_BOOT: 'true' }),
      ]);
      stack.api = api;
      stack.worker = worker;
      report('stack', { servicesMs: t1 - t0, appsMs: Date.now() - t1 });
    } catch (error) {
      await stack.stop();
      throw error;
    }
    return stack;
  }

  /** The production environment of one process. */
  env(role: 'api' | 'worker', extra: Record<string, string> = {}): Record<string, string> {
    const stripe = this.options.stripe;
    const proxied = new Set(this.options.proxied ?? ['smtp']);
    const dbPort = proxied.has('db') ? this.dbProxy.port : this.pg.port;
    const redisPort = proxied.has('redis') ? this.redisProxy.port : this.redis.port;
    const smtpPort = proxied.has('smtp')
      ? this.smtpProxy.port
      : Number(new URL(this.smtp.url).port);
    return {
      NODE_ENV: 'production',
      STORAGE_ALLOW_LOCAL_IN_PRODUCTION: 'true',
      DATABASE_URL: `postgres://postgres:postgres@127.0.0.1:${dbPort}/${DATABASE}`,
      REDIS_URL: `redis://127.0.0.1:${redisPort}`,
      SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      QUEUE_PREFIX: 'faults',
      JWT_SECRET: this.jwtSecret,
      MFA_ENCRYPTION_KEY: `${this.jwtSecret}-mfa`,
      SANDBOX_WEBHOOK_SECRET: WEBHOOK_SECRET,
      // Every request of the suite comes from 127.0.0.1.
      AUTH_IP_LIMIT_MULTIPLIER: '100000',
      DATA_DIR: join(this.dir, 'data'),
      LOG_LEVEL: 'info',
      ...(stripe
        ? {
            ...stripe.env(),
            PAYMENTS_PROVIDER: 'stripe',
            STRIPE_SECRET_KEY: 'sk_test_faults_suite',
            STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
          }
        : {}),
      ...FAST,
      ...(role === 'worker' ? { DB_MIGRATE_ON_BOOT: 'false' } : {}),
      ...this.options.env,
      ...(role === 'api' ? this.options.apiEnv : this.options.workerEnv),
      ...extra,
    };
  }

  /** Another worker process (a replacement after a crash, or a second instance). */
  async startWorker(extra: Record<string, string> = {}): Promise<AppProcess> {
    const worker = await AppProcess.start(
      'worker',
      this.env('worker', extra),
      this.dir,
      `worker-${++this.workerCount}`,
    );
    this.workers.push(worker);
    return worker;
  }

  /** An HTTP call to the api that never throws: errors and timeouts come back as status 0. */
  async call(
    method: string,
    path: string,
    opts: {
      body?: unknown;
      token?: string;
      headers?: Record<string, string>;
      timeoutMs?: number;
      base?: string;
    } = {},
  ): Promise<Answer> {
    const started = performance.now();
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.body !== undefined) headers['content-type'] ??= 'application/json';
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    try {
      const res = await fetch(`${opts.base ?? this.api.url}${path}`, {
        method,
        headers,
        body:
          opts.body === undefined
            ? undefined
            : typeof opts.body === 'string'
              ? opts.body
              : JSON.stringify(opts.body),
        signal: AbortSignal.timeout(opts.timeoutMs ?? 15_000),
      });
      const text = await res.text();
      let body: Record<string, unknown> | null = null;
      try {
        body = text ? (JSON.parse(text) as Record<string, unknown>) : null;
      } catch {
        body = { raw: text };
      }
      const ms = Math.round(performance.now() - started);
      return { status: res.status, body, headers: res.headers, ms, error: null };
    } catch (error) {
      const ms = Math.round(performance.now() - started);
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      return { status: 0, body: null, headers: null, ms, error: cause ?? String(error) };
    }
  }

  /** Registers and signs in a user through the API. */
  async signUp(): Promise<{ userId: string; email: string; password: string; token: string }> {
    const email = `u-${randomUUID()}@example.test`;
    const password = `pw ${randomUUID()}`;
    const registered = await this.call('POST', '/api/v1/auth/register', {
      body: { email, password, displayName: 'Fault Tester' },
    });
    if (registered.status !== 202) throw new Error(`register: ${registered.status}`);
    const login = await this.call('POST', '/api/v1/auth/login', { body: { email, password } });
    if (login.status !== 200) throw new Error(`login: ${login.status}`);
    const user = login.body?.user as { id: string };
    return { userId: user.id, email, password, token: String(login.body?.accessToken) };
  }

  async sql<T = Record<string, unknown>>(query: string, params: unknown[] = []): Promise<T[]> {
    return this.pg.query<T>(DATABASE, query, params);
  }

  /** `count` fixture users, each with an `account.welcome` request in the outbox. */
  async seedWelcomeNotifications(count: number): Promise<string[]> {
    return seedWelcomeNotifications(this, 'faults', count);
  }

  async stop(): Promise<void> {
    const processes = [this.api, ...this.workers].filter(Boolean);
    await Promise.all(processes.map((p) => p.stop(5000).catch(() => undefined)));
    for (const proxy of [this.dbProxy, this.redisProxy, this.smtpProxy]) {
      await proxy.stop().catch(() => undefined);
    }
    await this.smtp.stop().catch(() => undefined);
    await this.redis.stop().catch(() => undefined);
    await this.pg.stop().catch(() => undefined);
    if (!process.env.FAULTS_KEEP) rmSync(this.dir, { recursive: true, force: true });
  }

  /** Every process's log tail, for a failure message. */
  logs(lines = 25): string {
    return [this.api, ...this.workers]
      .filter(Boolean)
      .map((p) => `--- ${p.name} (pid ${p.pid}) ---\n${p.tail(lines)}`)
      .join('\n');
  }
}

/**
 * Mail counts over the mails to `expected` recipients (all mails when none are given): how many
 * arrived, duplicates by Message-ID, expected recipients with no mail or with more than one.
 */
export function mailCounts(all: ReceivedMail[], expected: string[] = []) {
  const wanted = new Set(expected);
  const mails = wanted.size ? all.filter((m) => m.to.some((to) => wanted.has(to))) : all;
  const byMessageId = new Map<string, number>();
  for (const m of mails) {
    byMessageId.set(m.messageId ?? '', (byMessageId.get(m.messageId ?? '') ?? 0) + 1);
  }
  const byRecipient = new Map<string, number>();
  for (const m of mails) {
    for (const to of m.to) byRecipient.set(to, (byRecipient.get(to) ?? 0) + 1);
  }
  return {
    mails: mails.length,
    distinctMessageIds: byMessageId.size,
    duplicates: [...byMessageId.values()].filter((n) => n > 1).reduce((a, n) => a + n - 1, 0),
    missing: expected.filter((to) => !byRecipient.has(to)).length,
    recipientsTwice: [...byRecipient.values()].filter((n) => n > 1).length,
  };
}

/** Prints a scenario's counts on one line, so that they can be quoted. */
export function report(scenario: string, counts: Record<string, unknown>): void {
  process.stdout.write(`\n[faults] ${scenario}: ${JSON.stringify(counts)}\n`);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until `check` is truthy or the time is up; returns the last value either way. */
export async function eventually<T>(
  check: () => Promise<T> | T,
  timeoutMs: number,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value || Date.now() > deadline) return value;
    await sleep(intervalMs);
  }
}

export interface Sample extends Answer {
  op: string;
  /** When the request was sent (Date.now()). */
  at: number;
}

/**
 * Load: `concurrency` clients each sending the next operation (round robin) as soon as the last
 * answered, until `stop()` says so. Every answer is kept, with its start time.
 */
export async function drive(
  ops: Array<{ op: string; run: () => Promise<Answer> }>,
  concurrency: number,
  stop: () => boolean,
): Promise<Sample[]> {
  const samples: Sample[] = [];
  let next = 0;
  const client = async () => {
    while (!stop()) {
      const { op, run } = ops[next++ % ops.length] as (typeof ops)[number];
      const at = Date.now();
      const answer = await run();
      samples.push({ ...answer, op, at });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, client));
  return samples;
}

/** How many answers had each status (0: no answer). */
export function statusCounts(samples: Answer[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const s of samples) counts[s.status] = (counts[s.status] ?? 0) + 1;
  return counts;
}
