import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { freePort } from '../../src/common/free-port.js';
import type { Infra } from './infra.js';
import { ROOT, startService, type Service } from './proc.js';

export const JWT_ISSUER = 'app-backend';
export const JWT_AUDIENCE = 'app-api';

export interface AppEnvOptions {
  infra: Infra;
  jwtSecret: string;
  dataDir: string;
  /** The run's sink SMTP server (SMTP_URL is required in production). */
  smtpUrl: string;
}

/** The production environment every app process of the run shares. */
export function appEnv(
  o: AppEnvOptions,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    NODE_ENV: 'production',
    // One machine: the local storage driver's disk is every process's.
    STORAGE_ALLOW_LOCAL_IN_PRODUCTION: 'true',
    DATABASE_URL: o.infra.databaseUrl,
    REDIS_URL: o.infra.redisUrl,
    QUEUE_PREFIX: o.infra.prefix,
    JWT_SECRET: o.jwtSecret,
    JWT_ISSUER,
    JWT_AUDIENCE,
    SMTP_URL: o.smtpUrl,
    SANDBOX_WEBHOOK_SECRET: 'whsec_bench_sandbox_secret_0000',
    MFA_ENCRYPTION_KEY: 'bench-mfa-encryption-key-0000000000000',
    // The broadcast scenario's admin has no second factor: measured here is the fan-out.
    ADMIN_MFA_REQUIRED: 'false',
    // Every request comes from 127.0.0.1: per-IP limits would stop the load after 100 logins.
    // Per-account limits stay as configured; the scenarios spread the load over many accounts.
    AUTH_IP_LIMIT_MULTIPLIER: '100000',
    DATA_DIR: o.dataDir,
    LOG_LEVEL: 'info',
    ...passthrough(),
    ...extra,
  };
}

/** `BENCH_APP_<NAME>=value` sets `<NAME>` for every app process (experiments: BENCH_APP_HTTP_LOG=false). */
function passthrough(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(process.env)
      .filter(([k, v]) => k.startsWith('BENCH_APP_') && v !== undefined)
      .map(([k, v]) => [k.slice('BENCH_APP_'.length), v as string]),
  );
}

let snapshot: string | undefined;

/**
 * A private copy of `dist/` for the whole run: other people rebuilding (`rm -rf dist`) mid-run
 * cannot break it. It lives under node_modules/.cache so packages still resolve from the root.
 */
export async function snapshotDist(runId: string): Promise<string> {
  const source = join(ROOT, 'dist');
  if (!existsSync(join(source, 'src', 'main.js'))) {
    throw new Error('dist/src/main.js is missing: run `npm run build` first (npm run bench does)');
  }
  snapshot = join(ROOT, 'node_modules', '.cache', `bench-dist-${runId}`);
  cpSync(source, snapshot, { recursive: true });
  // BENCH_PATCH=<module exporting apply(distDir)>: measure a proposed change on this copy only.
  if (process.env.BENCH_PATCH) {
    const mod = (await import(resolve(ROOT, process.env.BENCH_PATCH))) as {
      apply(dir: string): void;
    };
    mod.apply(snapshot);
  }
  return snapshot;
}

export function removeSnapshot(): void {
  if (snapshot) rmSync(snapshot, { recursive: true, force: true });
}

function distDir(): string {
  if (!snapshot) throw new Error('snapshotDist() first');
  return snapshot;
}

/**
 * `BENCH_CPU_PROF=1`: every app process writes a .cpuprofile to bench/results/profiles on exit.
 * `BENCH_NODE_FLAGS="--trace-gc …"`: node flags for every app process (NODE_OPTIONS refuses some).
 */
export function profileArgs(name: string): string[] {
  const flags = process.env.BENCH_NODE_FLAGS?.split(/\s+/).filter(Boolean) ?? [];
  if (!process.env.BENCH_CPU_PROF) return flags;
  // One directory per process name; node names the files (a loader thread writes its own).
  const dir = join(ROOT, 'bench', 'results', 'profiles', name);
  mkdirSync(dir, { recursive: true });
  return [...flags, '--cpu-prof', '--cpu-prof-dir', dir];
}

/**
 * Without a cap V8 grows the old generation lazily: a 100k-user broadcast peaked at 316–342 MiB,
 * with 256 MiB it peaks at 188 MiB and takes the same time (bench/README.md, broadcast-100k).
 */
export const WORKER_NODE_FLAGS = ['--max-old-space-size=256'];

/** The built app (`dist/`), ready when /health/ready answers 200 (the worker's health port). */
export async function startApp(
  o: AppEnvOptions & { logDir: string },
  role: 'api' | 'worker',
  extra: Record<string, string> = {},
  name: string = role,
): Promise<Service & { startMs: number }> {
  const port = await freePort();
  const script = join(distDir(), 'src', role === 'worker' ? 'worker.js' : 'main.js');
  return startService({
    name,
    // The worker runs with the heap cap it is deployed with (package.json start:worker, compose).
    args: [...profileArgs(name), ...(role === 'worker' ? WORKER_NODE_FLAGS : []), script],
    env: appEnv(o, {
      APP_ROLE: role,
      ...(role === 'worker' ? { WORKER_HEALTH_PORT: String(port) } : {}),
      ...extra,
    }),
    port,
    logDir: o.logDir,
    readyPath: '/health/ready',
    readyTimeoutMs: 60_000,
  });
}
