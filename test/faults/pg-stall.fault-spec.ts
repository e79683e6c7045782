import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { drive, report, sleep, Stack, statusCounts } from './stack.js';

// 4b. PostgreSQL that stops answering (a stalled link, not a refused one), the case the issue's
// "no timeouts on PostgreSQL" finding is about: requests must still get an answer before the
// client gives up (503 problem+json), and the pool must recover once the link flows again.
const CLIENT_TIMEOUT_MS = 15_000;
const STALL_MS = 20_000;
let s: Stack;

beforeAll(async () => {
  // The app's bounds on a silent database (README, "Outages of PostgreSQL and Redis"), set so
  // that the longest documented wait, a pooled connection then an answer, ends well before the
  // client gives up (the defaults, 5 s + 15 s, are for production clients' longer patience).
  s = await Stack.start({
    proxied: ['db', 'smtp'],
    env: {
      DB_CONNECT_TIMEOUT_MS: '3000',
      DB_STATEMENT_TIMEOUT_MS: '5000',
      DB_QUERY_TIMEOUT_MS: '6000',
    },
  });
});

afterAll(async () => {
  await s?.stop();
});

it('answers every request while PostgreSQL hangs, and recovers after', async () => {
  const user = await s.signUp();
  const pid = s.api.pid;
  let done = false;
  const load = drive(
    [
      {
        op: 'GET /notifications',
        run: () =>
          s.call('GET', '/api/v1/notifications', {
            token: user.token,
            timeoutMs: CLIENT_TIMEOUT_MS,
          }),
      },
      {
        op: 'PATCH /users/me',
        run: () =>
          s.call('PATCH', '/api/v1/users/me', {
            token: user.token,
            body: { displayName: 'Stalled' },
            timeoutMs: CLIENT_TIMEOUT_MS,
          }),
      },
    ],
    4,
    () => done,
  );
  await sleep(1000);
  const stalledAt = Date.now();
  s.dbProxy.stall();
  await sleep(STALL_MS);
  // The held connections are dropped (as after a network partition), new ones flow.
  s.dbProxy.cut();
  s.dbProxy.resume();
  const resumedAt = Date.now();
  await sleep(8000);
  done = true;
  const samples = await load;
  const during = samples.filter((a) => a.at >= stalledAt && a.at < resumedAt);
  const after = samples.filter((a) => a.at >= resumedAt + 3000);
  const counts = {
    requests: samples.length,
    during: statusCounts(during),
    clientTimeouts: samples.filter((a) => a.status === 0).length,
    slowestMs: Math.max(...samples.map((a) => a.ms)),
    after: statusCounts(after),
    apiRestarted: s.api.pid !== pid || !s.api.running,
  };
  report('4b PostgreSQL stops answering', counts);
  expect(counts.clientTimeouts).toBe(0);
  // A failure during the stall is the outage problem: 503 problem+json with Retry-After.
  const failures = during.filter((a) => a.status >= 300);
  expect(failures.length).toBeGreaterThan(0);
  for (const a of failures) {
    expect(a.status).toBe(503);
    expect(a.headers?.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(a.headers?.get('retry-after')).toBeTruthy();
  }
  expect(after.length).toBeGreaterThan(0);
  expect(after.every((a) => a.status === 200)).toBe(true);
  expect(counts.apiRestarted).toBe(false);
});
