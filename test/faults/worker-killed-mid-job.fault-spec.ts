import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { eventually, mailCounts, report, sleep, Stack } from './stack.js';

// 3. Worker SIGKILLed mid-job: the job is taken over after the stall interval; one mail, not two.
let s: Stack;

beforeAll(async () => {
  s = await Stack.start();
});

afterAll(async () => {
  await s?.stop();
});

it('takes over the job of a killed worker and sends its mail once', async () => {
  // The SMTP link hangs: the worker is caught inside the send, before any server accepted it.
  s.smtpProxy.stall();
  const [email] = await s.seedWelcomeNotifications(1);
  const sending = await eventually(async () => {
    const rows = await s.sql<{ status: string }>(
      `SELECT status FROM notification_deliveries WHERE channel = 'email'`,
    );
    return rows[0]?.status === 'sending' && s.smtpProxy.accepted > 0;
  }, 20_000);
  expect(sending).toBe(true);
  const first = s.worker;
  first?.kill('SIGKILL');
  await first?.exited;
  const killedAt = Date.now();
  s.smtpProxy.cut();
  s.smtpProxy.resume();

  await s.startWorker();
  const replacementReadyMs = Date.now() - killedAt;
  // Bull's lock (30 s) and stalled-job check (every 30 s) bound the takeover.
  const arrived = await eventually(() => s.smtp.mails.length > 0, 45_000, 100);
  // Late or not, measure when it is taken over (for the report), up to half a minute more.
  const late = arrived || (await eventually(() => s.smtp.mails.length > 0, 30_000, 100));
  const takeoverMs = late ? Date.now() - killedAt : null;
  await sleep(3000); // a second send would follow within the backoff
  const [row] = await s.sql<{ status: string; attempts: number }>(
    `SELECT status, attempts FROM notification_deliveries WHERE channel = 'email'`,
  );
  const counts = {
    replacementReadyMs,
    takeoverMs,
    takenOverWithin45s: arrived,
    delivery: row,
    ...mailCounts(s.smtp.mails, [email as string]),
  };
  report('3 worker SIGKILLed mid-job', counts);
  expect(arrived).toBe(true);
  expect(counts).toMatchObject({ mails: 1, duplicates: 0, missing: 0 });
  expect(row?.status).toBe('sent');
}, 180_000);
