import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { drive, report, sleep, Stack, statusCounts, type Sample } from './stack.js';

// 4. PostgreSQL stopped hard (`pg_ctl stop -m immediate`) under mixed load, then restarted:
// requests fail fast with 503 problem+json (no request hangs past its timeout), the pool
// recovers without restarting the app, zero errors a few seconds after it is back.
const CLIENT_TIMEOUT_MS = 10_000;
const RECOVERY_GRACE_MS = 5_000;
let s: Stack;

beforeAll(async () => {
  s = await Stack.start();
});

afterAll(async () => {
  await s?.stop();
});

function isOutageProblem(a: Sample): boolean {
  return (
    a.status === 503 &&
    (a.headers?.get('content-type') ?? '').startsWith('application/problem+json') &&
    a.headers?.get('retry-after') !== null
  );
}

it('answers 503 during a PostgreSQL crash and recovers by itself', async () => {
  const users = await Promise.all([s.signUp(), s.signUp(), s.signUp()]);
  const pid = s.api.pid;
  let i = 0;
  const user = () => users[i++ % users.length] as (typeof users)[number];
  const ops = [
    {
      op: 'GET /users/me',
      run: () =>
        s.call('GET', '/api/v1/users/me', { token: user().token, timeoutMs: CLIENT_TIMEOUT_MS }),
    },
    {
      op: 'GET /notifications',
      run: () =>
        s.call('GET', '/api/v1/notifications', {
          token: user().token,
          timeoutMs: CLIENT_TIMEOUT_MS,
        }),
    },
    {
      op: 'PATCH /users/me',
      run: () =>
        s.call('PATCH', '/api/v1/users/me', {
          token: user().token,
          body: { displayName: `Name ${i}` },
          timeoutMs: CLIENT_TIMEOUT_MS,
        }),
    },
    {
      op: 'POST /payments',
      run: () =>
        s.call('POST', '/api/v1/payments', {
          token: user().token,
          headers: { 'idempotency-key': randomUUID() },
          body: { amount: 1000, currency: 'usd' },
          timeoutMs: CLIENT_TIMEOUT_MS,
        }),
    },
  ];
  let done = false;
  const load = drive(ops, 6, () => done);
  await sleep(2000);
  const stoppedAt = Date.now();
  await s.pg.stopImmediate();
  const downAt = Date.now();
  await sleep(5000);
  await s.pg.restart();
  const backAt = Date.now();
  await sleep(RECOVERY_GRACE_MS + 5000);
  done = true;
  const samples = await load;

  const before = samples.filter((a) => a.at + a.ms < stoppedAt);
  const outage = samples.filter((a) => a.at >= downAt && a.at < backAt);
  const recovered = samples.filter((a) => a.at >= backAt + RECOVERY_GRACE_MS);
  const counts = {
    requests: samples.length,
    before: statusCounts(before),
    outage: statusCounts(outage),
    // Served without PostgreSQL (from a cache) is fine; a failure must be the 503 problem.
    outageNot503Problem: outage.filter((a) => a.status >= 300 && !isOutageProblem(a)).length,
    outageSlowestMs: Math.max(0, ...outage.map((a) => a.ms)),
    timedOut: samples.filter((a) => a.status === 0).length,
    afterRecovery: statusCounts(recovered),
    errorsAfterRecovery: recovered.filter((a) => a.status >= 400 || a.status === 0).length,
    apiRestarted: s.api.pid !== pid || !s.api.running,
  };
  report('4 PostgreSQL stopped hard under load', counts);
  expect(before.length).toBeGreaterThan(0);
  expect(before.every((a) => a.status < 400)).toBe(true);
  expect(outage.length).toBeGreaterThan(0);
  expect(counts.timedOut).toBe(0);
  expect(counts.outageNot503Problem).toBe(0);
  expect(recovered.length).toBeGreaterThan(0);
  expect(counts.errorsAfterRecovery).toBe(0);
  expect(counts.apiRestarted).toBe(false);
});
