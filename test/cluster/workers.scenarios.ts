import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { expect, it } from '@jest/globals';
import Bull from 'bull';
import { QUEUES } from '../../src/queue/queues.js';
import { seedWelcomeNotifications } from '../support/factories.js';
import { call, signUp } from './client.js';
import { eventually, QUEUE_PREFIX, report, sleep, type Cluster } from './cluster.js';

/** Outbox events of the exactly-once scenario, written in waves while both relays poll. */
const EVENTS = 2400;
const WAVES = 6;
const WINDOW_MS = 8000;

/** Scenarios about the workers: outbox delivery, broadcast fan-out, repeatable jobs. */
export function workerScenarios(cluster: () => Cluster): void {
  it(`delivers each of ${EVENTS} outbox events exactly once with two relays and two workers`, async () => {
    const c = cluster();
    const cpuBefore = c.workers.map((w) => cpuMs(w.pid));
    const expected: string[] = [];
    for (let wave = 0; wave < WAVES; wave++) {
      expected.push(...(await seedWelcomeNotifications(c, 'cluster', EVENTS / WAVES)));
      await sleep(200);
    }
    const wanted = new Set(expected);
    const mine = () => c.smtp.mails.filter((m) => m.to.some((to) => wanted.has(to)));
    await eventually(() => mine().length >= EVENTS, 150_000, 500);
    // A second copy would come within the notification backoff or a stalled-job check.
    await sleep(4000);
    const mails = mine();
    // Both workers did the work (CPU time each spent meanwhile; informative, not asserted).
    const workerCpuMs = c.workers.map((w, i) => cpuMs(w.pid) - (cpuBefore[i] ?? 0));
    const byRecipient = new Map<string, number>();
    for (const m of mails)
      for (const to of m.to) byRecipient.set(to, (byRecipient.get(to) ?? 0) + 1);
    const [stored] = await c.sql<{ events: number; unsent: number; inApp: number; sent: number }>(
      `SELECT (SELECT count(*)::int FROM outbox_events e
                WHERE e.type = 'notifications.requested'
                  AND e.payload->>'idempotencyKey' LIKE 'cluster-welcome-%') AS events,
              (SELECT count(*)::int FROM outbox_events WHERE sent_at IS NULL) AS unsent,
              (SELECT count(*)::int FROM notifications n JOIN users u ON u.id = n.user_id
                WHERE n.type = 'account.welcome' AND u.email = ANY($1)) AS "inApp",
              (SELECT count(*)::int FROM notification_deliveries d
                 JOIN notifications n ON n.id = d.notification_id JOIN users u ON u.id = n.user_id
                WHERE d.channel = 'email' AND d.status = 'sent' AND u.email = ANY($1)) AS sent`,
      [expected],
    );
    const counts = {
      events: EVENTS,
      outboxRows: stored?.events,
      unsent: stored?.unsent,
      mails: mails.length,
      distinctMessageIds: new Set(mails.map((m) => m.messageId)).size,
      duplicates: mails.length - byRecipient.size,
      missing: expected.filter((to) => !byRecipient.has(to)).length,
      inAppNotifications: stored?.inApp,
      emailDeliveriesSent: stored?.sent,
    };
    report('outbox exactly once, two relays, two workers', { ...counts, workerCpuMs });
    expect(counts).toEqual({
      events: EVENTS,
      outboxRows: EVENTS,
      unsent: 0,
      mails: EVENTS,
      distinctMessageIds: EVENTS,
      duplicates: 0,
      missing: 0,
      inAppNotifications: EVENTS,
      emailDeliveriesSent: EVENTS,
    });
  });

  it('fans a broadcast out through two workers to every active user exactly once', async () => {
    const c = cluster();
    const admin = await signUp(c, { admin: true });
    const created = await call(c.url, 'POST', '/api/v1/notifications/broadcast', {
      token: admin.token,
      body: { title: `Cluster ${randomUUID()}`, body: 'Hello from both workers.' },
    });
    expect(created.status).toBe(202);
    const id = String(created.body?.id);
    const progress = await eventually(async () => {
      const answer = await call(c.url, 'GET', `/api/v1/notifications/broadcasts/${id}`, {
        token: admin.token,
      });
      return answer.body?.status === 'completed' ? answer.body : null;
    }, 120_000);
    const [row] = await c.sql<{ users: number; notifications: number; twice: number }>(
      `SELECT (SELECT count(*)::int FROM users WHERE status = 'active') AS users,
              (SELECT count(*)::int FROM notifications WHERE broadcast_id = $1) AS notifications,
              (SELECT count(*)::int FROM (SELECT user_id FROM notifications WHERE broadcast_id = $1
                 GROUP BY user_id HAVING count(*) > 1) d) AS twice`,
      [id],
    );
    const counts = {
      activeUsers: row?.users,
      notifications: row?.notifications,
      usersTwice: row?.twice,
      usersProcessed: progress?.usersProcessed,
      notificationsCreated: progress?.notificationsCreated,
    };
    report('broadcast fanned out by two workers', counts);
    expect(progress).not.toBeNull();
    expect(counts.notifications).toBe(counts.activeUsers);
    expect(counts.usersTwice).toBe(0);
    expect(counts.usersProcessed).toBe(counts.activeUsers);
    expect(counts.notificationsCreated).toBe(counts.activeUsers);
  });

  it('runs every repeatable job once per period across both workers, not once per worker', async () => {
    const c = cluster();
    const queues = Object.values(QUEUES).map(
      (q) => new Bull(q.name, { prefix: QUEUE_PREFIX, redis: c.redisServer.url }),
    );
    try {
      const from = Date.now();
      await sleep(WINDOW_MS);
      const to = Date.now();
      const runs: Record<string, { everyMs: number; schedules: number; runs: number }> = {};
      for (const queue of queues) {
        const schedules = await queue.getRepeatableJobs();
        const jobs = await repeatRunsBetween(c, queue.name, from, to);
        for (const schedule of schedules) {
          runs[`${queue.name}:${schedule.name}`] = {
            everyMs: Number(schedule.every),
            schedules: schedules.filter((s) => s.name === schedule.name).length,
            runs: jobs.filter((j) => j.name === schedule.name).length,
          };
        }
      }
      report('repeatable jobs with two workers', { windowMs: to - from, runs });
      // Those two at least; a sweeper added later is checked the same way.
      expect(Object.keys(runs)).toEqual(
        expect.arrayContaining(['outbox:prune', 'payments:reconcile']),
      );
      for (const r of Object.values(runs)) {
        const periods = (to - from) / r.everyMs;
        expect(r.schedules).toBe(1);
        // Once per period (plus a run of the slot before the window finishing inside it): twice
        // as many would mean each worker runs its own.
        expect(r.runs).toBeLessThanOrEqual(Math.floor(periods) + 2);
        expect(r.runs).toBeGreaterThanOrEqual(Math.floor(periods / 2));
      }
    } finally {
      await Promise.all(queues.map((q) => q.close()));
    }
  });
}

/**
 * The runs of repeatable jobs (ids `repeat:<schedule>:<slot>`) that finished in [from, to]: read
 * from Bull's completed and failed sets (scored by finish time) and job hashes in Redis.
 */
async function repeatRunsBetween(c: Cluster, queue: string, from: number, to: number) {
  const runs: Array<{ id: string; name: string }> = [];
  for (const set of ['completed', 'failed']) {
    const ids = await c.redis.zrangebyscore(`${QUEUE_PREFIX}:${queue}:${set}`, from, to);
    for (const id of ids.filter((i) => i.startsWith('repeat:'))) {
      const name = await c.redis.hget(`${QUEUE_PREFIX}:${queue}:${id}`, 'name');
      if (name) runs.push({ id, name });
    }
  }
  return runs;
}

/** CPU time (user + system) a process has used, from /proc (Linux clock ticks of 10 ms). */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10;
}
