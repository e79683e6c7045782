import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { eventually, mailCounts, report, sleep, Stack } from './stack.js';

// 1. Redis killed during the delivery of 200 notifications, restarted: exactly 200 delivered,
// none twice; readiness 503 during, 200 after. Sign-in during the outage: rate limits fail open
// to per-process limits (README, "Outages of PostgreSQL and Redis"), so it keeps working.
const COUNT = 200;
let s: Stack;

beforeAll(async () => {
  s = await Stack.start();
});

afterAll(async () => {
  await s?.stop();
});

it('delivers every notification exactly once across a Redis crash', async () => {
  const user = await s.signUp();
  s.smtp.delayMs = 30; // spreads the 200 sends over a few seconds, so Redis dies mid-way
  const expected = await s.seedWelcomeNotifications(COUNT);
  const delivered = () => mailCounts(s.smtp.mails, expected).mails;
  await eventually(() => delivered() >= 40, 30_000, 20);
  await s.redis.kill('SIGKILL');
  const atKill = delivered();

  // During the outage: readiness, and a sign-in attempt.
  const readyDuring: number[] = [];
  const started = Date.now();
  while (Date.now() - started < 3000) {
    readyDuring.push((await s.call('GET', '/health/ready', { timeoutMs: 5000 })).status);
    await sleep(250);
  }
  const signIn = await s.call('POST', '/api/v1/auth/login', {
    body: { email: user.email, password: user.password },
    timeoutMs: 15_000,
  });
  const wrongPassword = await s.call('POST', '/api/v1/auth/login', {
    body: { email: user.email, password: `wrong ${randomUUID()}` },
    timeoutMs: 15_000,
  });
  const duringOutage = delivered();

  await s.redis.restart();
  const readyAfter = await eventually(
    async () => (await s.call('GET', '/health/ready', { timeoutMs: 5000 })).status === 200,
    15_000,
    200,
  );
  await eventually(() => delivered() >= COUNT, 40_000, 100);
  await sleep(2000); // a duplicate would show up within the retry backoff
  const counts = {
    notifications: COUNT,
    deliveredBeforeKill: atKill,
    deliveredDuringOutage: duringOutage - atKill,
    readinessDuring: readyDuring,
    signInDuringOutage: { status: signIn.status || signIn.error, ms: signIn.ms },
    wrongPasswordDuringOutage: {
      status: wrongPassword.status || wrongPassword.error,
      ms: wrongPassword.ms,
    },
    readinessAfter: readyAfter ? 200 : 'not ready',
    ...mailCounts(s.smtp.mails, expected),
  };
  report('1 Redis killed during delivery', counts);
  expect(counts).toMatchObject({ mails: COUNT, duplicates: 0, missing: 0, recipientsTwice: 0 });
  expect(readyAfter).toBe(true);
  expect(readyDuring.length).toBeGreaterThan(0);
  expect(readyDuring.every((status) => status === 503)).toBe(true);
  // Rate limits fail open: the right password signs in, a wrong one is an ordinary 401.
  expect(signIn.status).toBe(200);
  expect(typeof signIn.body?.accessToken).toBe('string');
  expect(wrongPassword.status).toBe(401);
});
