import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import Bull from 'bull';
import { startApp } from '../lib/app.js';
import type { Ctx, ScenarioResult } from '../lib/context.js';
import { ROOT, startService, type Service } from '../lib/proc.js';
import { seedUsers, withDb } from '../lib/seed.js';
import { cpuSecondsByName, cpuSecondsOf, log, round, sleep } from '../lib/util.js';

const JOBS = Number(process.env.BENCH_QUEUE_JOBS ?? 20_000);
/**
 * Outbox jobs run at once, by the app's worker (OUTBOX_CONCURRENCY, its default) and by the bare
 * processor alike. BENCH_QUEUE_CONCURRENCY changes both.
 */
const CONCURRENCY = Number(process.env.BENCH_QUEUE_CONCURRENCY ?? 100);
const DRAIN_TIMEOUT_MS = 240_000;

/** Enqueues `jobs` jobs the way the outbox relay does (job id = event id), in bulks of 1,000. */
async function enqueue(queue: Bull.Queue, data: Array<Record<string, unknown>>): Promise<void> {
  for (let i = 0; i < data.length; i += 1000) {
    await queue.addBulk(
      data.slice(i, i + 1000).map((d) => ({
        name: 'deliver',
        data: d,
        opts: { jobId: d.id as string, removeOnComplete: { count: 10_000 }, attempts: 8 },
      })),
    );
  }
}

/** CPU µs per job of the draining process, PostgreSQL (every process) and Redis. */
interface CpuPerJob {
  worker: number;
  postgres: number;
  redis: number;
}

function cpuReading(pid: number): CpuPerJob {
  const byName = cpuSecondsByName(['postgres', 'redis-server']);
  return { worker: cpuSecondsOf(pid), postgres: byName.postgres, redis: byName['redis-server'] };
}

function perJobUs(from: CpuPerJob, to: CpuPerJob, jobs: number): CpuPerJob {
  const us = (a: number, b: number) => round(((b - a) * 1e6) / jobs, 0);
  return {
    worker: us(from.worker, to.worker),
    postgres: us(from.postgres, to.postgres),
    redis: us(from.redis, to.redis),
  };
}

interface DrainResult {
  jobsPerSec: number;
  seconds: number;
  failed: number;
  peakRssMiB: number;
  cpuUsPerJob?: CpuPerJob;
}

/**
 * Jobs/s while draining: the rate between 10 % and 90 % of the batch done, so process start-up
 * and the tail do not count; CPU per job over the same span. Polls the queue's counts every
 * 100 ms, bounded in time.
 */
async function drainRate(queue: Bull.Queue, total: number, worker: Service): Promise<DrainResult> {
  const peak = worker.trackPeak();
  const deadline = Date.now() + DRAIN_TIMEOUT_MS;
  let t10: number | undefined;
  let t90: number | undefined;
  let t0: number | undefined;
  let cpu10: CpuPerJob | undefined;
  let cpuUsPerJob: CpuPerJob | undefined;
  while (Date.now() < deadline) {
    const c = await queue.getJobCounts();
    const left = c.waiting + c.active + c.delayed;
    const failed = c.failed;
    const done = total - left;
    const now = performance.now();
    if (done > 0) t0 ??= now;
    if (done >= total * 0.1 && t10 === undefined) {
      t10 = now;
      cpu10 = cpuReading(worker.pid);
    }
    if (done >= total * 0.9 && t90 === undefined) {
      t90 = now;
      if (cpu10) cpuUsPerJob = perJobUs(cpu10, cpuReading(worker.pid), total * 0.8);
    }
    if (left === 0) {
      const seconds = round((now - (t0 ?? now)) / 1000, 2);
      const rate =
        t10 !== undefined && t90 !== undefined && t90 > t10
          ? (total * 0.8) / ((t90 - t10) / 1000)
          : total / Math.max(seconds, 0.001);
      return { jobsPerSec: round(rate, 0), seconds, failed, peakRssMiB: peak(), cpuUsPerJob };
    }
    await sleep(100);
  }
  peak();
  throw new Error(`queue not drained within ${DRAIN_TIMEOUT_MS / 1000} s`);
}

/** "worker 195 + PostgreSQL 210 + Redis 64 µs CPU/job", or nothing when not measured. */
function cpuText(cpu: CpuPerJob | undefined): string {
  if (!cpu) return '';
  return `; CPU/job worker ${cpu.worker} + PostgreSQL ${cpu.postgres} + Redis ${cpu.redis} µs`;
}

/**
 * Drains `data` with one of bench/baseline's Bull processors, on its own prefix, at the app's
 * concurrency.
 */
async function drainBaseline(
  ctx: Ctx,
  name: 'bull-noop' | 'bull-store',
  data: Array<Record<string, unknown>>,
): Promise<DrainResult> {
  const prefix = `${ctx.infra.prefix}-${name}`;
  const queue = new Bull('outbox', ctx.infra.redisUrl, { prefix });
  await enqueue(queue, data);
  const service = await startService({
    name,
    args: ['--import', 'tsx', join(ROOT, 'bench', 'baseline', `${name}.ts`)],
    env: {
      REDIS_URL: ctx.infra.redisUrl,
      DATABASE_URL: ctx.infra.databaseUrl,
      QUEUE_PREFIX: prefix,
      CONCURRENCY: String(CONCURRENCY),
    },
    logDir: ctx.appOpts.logDir,
  });
  try {
    return await drainRate(queue, data.length, service);
  } finally {
    await service.stop();
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
  }
}

/**
 * queue-drain: 20,000 `notifications.requested` outbox jobs (announcements to users whose
 * preferences keep marketing to the in-app channel: one notification + one in-app delivery per
 * job, nothing further queued) drained by the real worker, vs a bare Bull no-op processor with
 * the same concurrency on the same Redis. Jobs are queued before each worker starts. Also
 * reported: the storage floor (bench/baseline/bull-store.ts), bare Bull storing the same rows
 * and doing nothing else, i.e. the best any worker can do with this data model on this machine.
 */
export async function queueDrain(ctx: Ctx): Promise<ScenarioResult> {
  const ids = await ctx.users();
  await withDb(ctx.infra.databaseUrl, (c) =>
    c.query(
      `INSERT INTO notification_preferences (user_id, channels)
       SELECT id, '{"marketing":{"email":false,"push":false}}'::jsonb FROM users
       ON CONFLICT (user_id) DO NOTHING`,
    ),
  );
  const message = (i: number, run: string) => ({
    id: randomUUID(),
    type: 'notifications.requested',
    createdAt: new Date().toISOString(),
    payload: {
      userId: ids[i % ids.length],
      type: 'announcement',
      data: {
        title: `Drain ${i}`,
        body: 'A short in-app announcement from the queue-drain bench.',
      },
      idempotencyKey: `bench-${run}-${ctx.infra.runId}-${i}`,
    },
  });

  // Bare Bull first, on its own prefix.
  const bare = await drainBaseline(
    ctx,
    'bull-noop',
    Array.from({ length: JOBS }, (_, i) => ({ id: `noop-${i}`, i })),
  );
  log(
    `  bare Bull no-op: ${bare.jobsPerSec} jobs/s (${bare.seconds} s for ${JOBS})${cpuText(bare.cpuUsPerJob)}`,
  );

  const queue = new Bull('outbox', ctx.infra.redisUrl, { prefix: ctx.infra.prefix });
  await enqueue(
    queue,
    Array.from({ length: JOBS }, (_, i) => message(i, 'drain')),
  );
  const worker = await startApp(
    ctx.appOpts,
    'worker',
    { OUTBOX_CONCURRENCY: String(CONCURRENCY) },
    'worker-drain',
  );
  let app;
  try {
    app = await drainRate(queue, JOBS, worker);
  } finally {
    await worker.stop();
    await queue.close();
  }
  // After the app, so that the app writes into the same tables as without it.
  const floor = await drainBaseline(
    ctx,
    'bull-store',
    Array.from({ length: JOBS }, (_, i) => message(i, 'floor')),
  );
  const [rows, floorRows] = [await stored(ctx, 'drain'), await stored(ctx, 'floor')];
  const floorRatio = round(floor.jobsPerSec / bare.jobsPerSec, 3);
  log(
    `  app worker: ${app.jobsPerSec} jobs/s (${app.seconds} s); created ${rows.notifications} notifications; deliveries ${JSON.stringify(rows.deliveries)}${cpuText(app.cpuUsPerJob)}`,
  );
  log(
    `  storage floor (bare Bull + one INSERT per batch): ${floor.jobsPerSec} jobs/s → ${floorRatio} of the no-op; created ${floorRows.notifications}; failed ${floor.failed}${cpuText(floor.cpuUsPerJob)}`,
  );
  const ratio = round(app.jobsPerSec / bare.jobsPerSec, 3);
  return {
    scenario: 'queue-drain',
    target: 'worker jobs/s >= 0.5 of a bare Bull no-op processor (same concurrency, same Redis)',
    pass: ratio >= 0.5 && app.failed === 0 && rows.notifications === JOBS,
    headline: `${app.jobsPerSec} jobs/s vs bare Bull ${bare.jobsPerSec} → ${ratio} (storage floor ${floor.jobsPerSec} → ${floorRatio}); ${rows.notifications}/${JOBS} notifications; failed ${app.failed}; worker peak RSS ${app.peakRssMiB} MiB`,
    app,
    bare,
    ratio,
    floor: { ...floor, ratio: floorRatio, created: floorRows },
    created: rows,
    jobs: JOBS,
    concurrency: CONCURRENCY,
  };
}

/** Notifications and deliveries stored by one drain (idempotency keys `bench-<run>-…`). */
async function stored(ctx: Ctx, run: string) {
  const pattern = `bench-${run}-${ctx.infra.runId}-%`;
  return withDb(ctx.infra.databaseUrl, async (c) => {
    const n = await c.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM notifications WHERE idempotency_key LIKE $1`,
      [pattern],
    );
    const d = await c.query<{ channel: string; status: string; n: number }>(
      `SELECT channel, status, count(*)::int AS n FROM notification_deliveries d
         JOIN notifications n ON n.id = d.notification_id
        WHERE n.idempotency_key LIKE $1 GROUP BY 1, 2`,
      [pattern],
    );
    return { notifications: n.rows[0].n, deliveries: d.rows };
  });
}

const BROADCAST_USERS = Number(process.env.BENCH_BROADCAST_USERS ?? 100_000);
const BROADCAST_TIMEOUT_MS = 420_000;

/**
 * broadcast-100k: an admin's announcement (POST /notifications/broadcast) fanned out by the
 * worker to 100,000 active users; time from the POST until the broadcast reads `completed`, and
 * the worker's peak RSS (target < 300 MB).
 */
export async function broadcast100k(ctx: Ctx): Promise<ScenarioResult> {
  const ids = await ctx.users();
  const api = await ctx.api();
  if (ids.length < BROADCAST_USERS) {
    const t0 = performance.now();
    const more = await seedUsers(ctx.infra.databaseUrl, ids.length + 1, BROADCAST_USERS);
    ids.push(...more);
    log(
      `  seeded ${more.length} more users (${ids.length} in all) in ${round(performance.now() - t0, 0)} ms`,
    );
  }
  const adminNumber = ctx.cfg.users;
  await withDb(ctx.infra.databaseUrl, (c) =>
    c.query(`UPDATE users SET role = 'admin' WHERE id = $1`, [ids[adminNumber - 1]]),
  );
  const { accessToken } = await ctx.login(api, adminNumber);
  const headers = { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' };

  const worker = await startApp(ctx.appOpts, 'worker', {}, 'worker-broadcast');
  const peak = worker.trackPeak();
  try {
    const t0 = performance.now();
    const res = await fetch(`${api.url}/api/v1/notifications/broadcast`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ title: 'Bench announcement', body: 'Fan-out to every active user.' }),
    });
    const created = (await res.json()) as { id?: string };
    if (res.status !== 202 || !created.id)
      throw new Error(`broadcast: ${res.status} ${JSON.stringify(created).slice(0, 300)}`);
    let status = '';
    let last: Record<string, unknown> = {};
    const deadline = Date.now() + BROADCAST_TIMEOUT_MS;
    while (Date.now() < deadline) {
      const r = await fetch(`${api.url}/api/v1/notifications/broadcasts/${created.id}`, {
        headers,
      });
      last = (await r.json()) as Record<string, unknown>;
      status = String(last.status);
      if (status === 'completed' || status === 'failed') break;
      await sleep(250);
    }
    const seconds = round((performance.now() - t0) / 1000, 1);
    const peakRssMiB = peak();
    const notifications = await withDb(ctx.infra.databaseUrl, async (c) => {
      const { rows } = await c.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM notifications WHERE broadcast_id = $1`,
        [created.id],
      );
      return rows[0].n;
    });
    const expected = ids.length;
    log(
      `  broadcast ${status} in ${seconds} s; ${notifications}/${expected} notifications; worker peak RSS ${peakRssMiB} MiB`,
    );
    return {
      scenario: 'broadcast-100k',
      target: 'completes; worker peak RSS < 300 MB',
      // 300 MB = 286 MiB.
      pass: status === 'completed' && notifications === expected && peakRssMiB * 1.048576 < 300,
      headline: `${status} in ${seconds} s (${round(notifications / seconds, 0)} users/s); ${notifications}/${expected} notifications; worker peak RSS ${peakRssMiB} MiB`,
      seconds,
      status,
      notifications,
      users: expected,
      peakRssMiB,
      broadcast: last,
    };
  } finally {
    peak();
    await worker.stop();
  }
}
