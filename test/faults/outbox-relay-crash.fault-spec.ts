import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { eventually, mailCounts, report, Stack } from './stack.js';

// 8. The outbox relay killed between enqueue and mark-sent: nothing lost, nothing delivered twice.
const EVENTS = 50;
let s: Stack;

beforeAll(async () => {
  s = await Stack.start({ worker: false, proxied: ['db', 'smtp'] });
});

afterAll(async () => {
  await s?.stop();
});

it('re-relays the events of a relay killed before it marked them sent, delivering each once', async () => {
  const expected = await s.seedWelcomeNotifications(EVENTS);
  // The relay's "mark sent" statement is held on the wire: the jobs are in Bull, the rows still
  // unsent and locked by the relay's open transaction.
  let held: { cut(): void } | null = null;
  s.dbProxy.stallOn(
    (chunk, direction) => direction === 'up' && chunk.includes('UPDATE outbox_events SET sent_at'),
    (link) => (held = link),
  );
  const first = await s.startWorker();
  expect(await eventually(() => held !== null, 15_000)).toBe(true);
  // The first worker's consumers go on working meanwhile: let its deliveries finish and record
  // themselves `sent`, so that the kill hits the relay only. (A mail the relay has but whose
  // `sent` row is not committed yet is the delivery's own at-least-once window, scenario 3b.)
  await eventually(async () => {
    const [row] = await s.sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM notification_deliveries
        WHERE channel = 'email' AND status = 'sent'`,
    );
    return row.n >= EVENTS;
  }, 20_000);
  const beforeCrash = s.smtp.mails.length;
  first.kill('SIGKILL');
  await first.exited;
  (held as { cut(): void } | null)?.cut();
  const unsentAfterCrash = await eventually(async () => {
    const [row] = await s.sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM outbox_events WHERE sent_at IS NULL`,
    );
    return row.n === EVENTS ? row.n : 0;
  }, 10_000);

  await s.startWorker();
  const relayed = await eventually(async () => {
    const [row] = await s.sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM outbox_events WHERE sent_at IS NOT NULL`,
    );
    return row.n === EVENTS;
  }, 20_000);
  await eventually(() => s.smtp.mails.length >= EVENTS, 20_000);
  // A resend would come within the notification backoff, or once the dead worker's Bull lock
  // (QUEUE_LOCK_MS, 4 s in the harness) ran out and a stalled-job check re-queued its jobs.
  await new Promise((r) => setTimeout(r, 6000));
  const [stored] = await s.sql<{ notifications: number; sent: number }>(
    `SELECT (SELECT count(*)::int FROM notifications) AS notifications,
            (SELECT count(*)::int FROM notification_deliveries
              WHERE channel = 'email' AND status = 'sent') AS sent`,
  );
  const counts = {
    events: EVENTS,
    unsentAfterCrash,
    mailsBeforeCrash: beforeCrash,
    ...mailCounts(s.smtp.mails, expected),
    notifications: stored.notifications,
    emailDeliveriesSent: stored.sent,
  };
  report('8 outbox relay killed between enqueue and mark-sent', counts);
  expect(unsentAfterCrash).toBe(EVENTS);
  expect(relayed).toBe(true);
  expect(counts).toMatchObject({
    mails: EVENTS,
    duplicates: 0,
    missing: 0,
    recipientsTwice: 0,
    notifications: EVENTS,
    emailDeliveriesSent: EVENTS,
  });
});
