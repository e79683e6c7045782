import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { eventually, report, sleep, Stack } from './stack.js';

// 2. Redis down while 20 users register: all get their answer, the 20 verification mails arrive
// after Redis returns.
const USERS = 20;
let s: Stack;

beforeAll(async () => {
  s = await Stack.start();
});

afterAll(async () => {
  await s?.stop();
});

it('registers everyone during a Redis outage and mails them once Redis is back', async () => {
  await s.redis.kill('SIGKILL');
  const emails = Array.from({ length: USERS }, () => `r-${randomUUID()}@example.test`);
  const answers = await Promise.all(
    emails.map((email) =>
      s.call('POST', '/api/v1/auth/register', {
        body: { email, password: `pw ${randomUUID()}`, displayName: 'Outage' },
        timeoutMs: 20_000,
      }),
    ),
  );
  await sleep(1000);
  const mailsDuringOutage = s.smtp.mails.length;
  await s.redis.restart();
  const arrived = await eventually(
    () => emails.every((e) => s.smtp.mailsTo(e).length > 0),
    30_000,
    200,
  );
  await sleep(1500);
  const statuses: Record<string, number> = {};
  for (const a of answers)
    statuses[a.status || a.error || '?'] = (statuses[a.status || a.error || '?'] ?? 0) + 1;
  const counts = {
    registrations: USERS,
    statuses,
    slowestMs: Math.max(...answers.map((a) => a.ms)),
    mailsDuringOutage,
    verificationMails: emails.filter((e) => s.smtp.mailsTo(e).length > 0).length,
    mailedTwice: emails.filter((e) => s.smtp.mailsTo(e).length > 1).length,
  };
  report('2 Redis down while users register', counts);
  expect(statuses).toEqual({ 202: USERS });
  expect(mailsDuringOutage).toBe(0);
  expect(arrived).toBe(true);
  expect(counts.mailedTwice).toBe(0);
});
