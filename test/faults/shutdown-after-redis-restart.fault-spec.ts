import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { eventually, mailCounts, report, sleep, Stack } from './stack.js';

// 10. Redis restarted: Bull's close() no longer stalls for a minute on the notifications queue;
// shutdown after an outage exits 0 (within SHUTDOWN_TIMEOUT_MS, else the process exits 1).
let s: Stack;

beforeAll(async () => {
  s = await Stack.start();
});

afterAll(async () => {
  await s?.stop();
});

it('shuts the api and the worker down cleanly after Redis came back', async () => {
  const expected = await s.seedWelcomeNotifications(5);
  await eventually(() => s.smtp.mails.length >= 5, 20_000);
  await s.redis.kill('SIGKILL');
  await sleep(2000);
  await s.redis.restart();
  const ready = await eventually(
    async () => {
      const api = await s.call('GET', '/health/ready', { timeoutMs: 3000 });
      const worker = await s.call('GET', '/health/ready', {
        timeoutMs: 3000,
        base: s.worker?.url,
      });
      return api.status === 200 && worker.status === 200;
    },
    20_000,
    200,
  );
  // Shut down at once: the queues' blocking clients were cut mid-command by the crash and have
  // had no job since, the case in which Bull's close() used to wait for a minute.
  const worker = s.worker;
  const api = s.api;
  worker?.kill('SIGTERM');
  api.kill('SIGTERM');
  const [workerExit, apiExit] = await Promise.all([worker?.waitExit(20_000), api.waitExit(20_000)]);
  const counts = {
    readyAfterRestart: ready,
    workerExit,
    apiExit,
    ...mailCounts(s.smtp.mails, expected),
  };
  report('10 shutdown after a Redis restart', counts);
  expect(ready).toBe(true);
  expect(workerExit?.code).toBe(0);
  expect(apiExit?.code).toBe(0);
  expect(counts).toMatchObject({ mails: 5, duplicates: 0, missing: 0 });
});
