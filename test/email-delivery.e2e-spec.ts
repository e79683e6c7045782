import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { getQueueToken } from '@nestjs/bull';
import type { Queue } from 'bull';
import { DataSource } from 'typeorm';
import { ManualClock } from '../src/common/clock.js';
import { StreamEvents } from '../src/notifications/stream-events.js';
import { NotificationsService } from '../src/notifications/notifications.service.js';
import { PreferencesService } from '../src/notifications/preferences/preferences.service.js';
import { QUEUES } from '../src/queue/queues.js';
import { insertUser, leaveDeliveryClaimed, softDeleteUser } from './support/factories.js';
import { deliveriesOf, notify, paymentData } from './support/notifications.js';
import { notificationCount } from './support/rows.js';
import { SmtpInbox } from './support/smtp.js';
import { createTestApp, type TestApp } from './support/test-app.js';
import { waitFor } from './support/wait.js';

jest.setTimeout(60_000);

describe('email delivery', () => {
  let inbox: SmtpInbox;
  let t: TestApp;
  const clock = new ManualClock(new Date('2026-03-02T12:00:00Z'));

  beforeAll(async () => {
    inbox = await SmtpInbox.start();
    t = await createTestApp(
      {
        SMTP_URL: inbox.url,
        MAIL_FROM: 'App <no-reply@app.example>',
        NOTIFICATIONS_BACKOFF_MS: '50',
      },
      { clock },
    );
  });
  afterAll(async () => {
    await t.close();
    await inbox.stop();
  });
  beforeEach(() => inbox.clearFailures());

  const queue = () => t.app.get<Queue>(getQueueToken(QUEUES.notifications.name));

  /** A welcome mail whose delivery job waits out quiet hours (11:00–13:00 UTC; the clock is at 12:00). */
  async function parkedWelcome() {
    const user = await insertUser(t.app);
    const key = `welcome:${randomUUID()}`;
    await t.app
      .get(PreferencesService)
      .update(user.id, { quietHours: { start: '11:00', end: '13:00' } });
    await notify(t.app, {
      userId: user.id,
      type: 'account.welcome',
      data: { displayName: 'Ann' },
      idempotencyKey: key,
    });
    const email = await waitFor(async () => (await deliveriesOf(t.app, user.id, key)).email);
    return { user, key, email };
  }

  it('sends the verification mail once per idempotency key, with the link readable', async () => {
    const user = await insertUser(t.app);
    const key = `verify:${randomUUID()}`;
    const verifyUrl = `https://app.example/verify?token=${randomUUID()}`;
    const request = {
      userId: user.id,
      type: 'auth.email_verification' as const,
      data: { displayName: 'Ann <b>', verifyUrl },
      idempotencyKey: key,
    };
    await notify(t.app, request);
    await notify(t.app, request);

    const mail = await inbox.waitForMail((m) => m.to.includes(user.email));
    expect(mail.subject).toBe('Confirm your email address');
    expect(mail.text).toContain(verifyUrl);
    expect(mail.html).toContain('Ann &lt;b&gt;');
    expect(mail.html).not.toContain('<b>');
    expect(mail.from).toBe('no-reply@app.example');

    const deliveries = await waitFor(async () => {
      const d = await deliveriesOf(t.app, user.id, key);
      return d.email?.status === 'sent' ? d : null;
    });
    expect(Object.keys(deliveries)).toEqual(['email']);
    expect(deliveries.email).toMatchObject({ attempts: 1, last_error: null });
    expect(mail.messageId).toBe(`<${deliveries.email!.id}@app.example>`);
    expect(await notificationCount(t.app, user.id)).toBe(1);
    // The second event was handled too (the outbox is idle), and still only one mail arrived.
    await waitFor(async () => {
      const [row] = await t.app
        .get(DataSource)
        .query(`SELECT count(*)::int AS n FROM outbox_events WHERE sent_at IS NULL`);
      return row.n === 0;
    });
    expect(inbox.mailsTo(user.email)).toHaveLength(1);
  });

  it('produces nothing when the caller rolls back', async () => {
    const user = await insertUser(t.app);
    const service = t.app.get(NotificationsService);
    await expect(
      t.app.get(DataSource).transaction(async (manager) => {
        await service.notify(manager, {
          userId: user.id,
          type: 'account.welcome',
          data: { displayName: 'Ann' },
          idempotencyKey: 'welcome',
        });
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    const marker = await insertUser(t.app);
    await notify(t.app, {
      userId: marker.id,
      type: 'account.welcome',
      data: { displayName: 'Ann' },
      idempotencyKey: 'welcome',
    });
    await inbox.waitForMail((m) => m.to.includes(marker.email));
    expect(inbox.mailsTo(user.email)).toHaveLength(0);
    expect(await notificationCount(t.app, user.id)).toBe(0);
  });

  it('handles requests that arrive together as batches: each once, a bad one failing alone', async () => {
    const db = t.app.get(DataSource);
    const [ann, bob, gone] = await Promise.all([1, 2, 3].map(() => insertUser(t.app)));
    await softDeleteUser(t.app, gone!.id);
    const run = randomUUID();
    const news = Array.from({ length: 30 }, (_, i) => ({
      userId: i % 2 === 0 ? ann!.id : bob!.id,
      type: 'announcement' as const,
      data: { title: `News ${i}`, body: 'Short.' },
      idempotencyKey: `${run}:news:${i}`,
    }));
    const verify = {
      userId: ann!.id,
      type: 'auth.email_verification' as const,
      data: { displayName: 'Ann', verifyUrl: `https://app.example/verify?token=${run}` },
      idempotencyKey: `${run}:verify`,
    };
    // Longer than the title column: its insert fails whatever batch it lands in.
    const bad = {
      ...news[1]!,
      data: { title: 'x'.repeat(400), body: 'x' },
      idempotencyKey: `${run}:bad`,
    };
    const toGone = { ...news[0]!, userId: gone!.id, idempotencyKey: `${run}:gone` };
    // One transaction: the relay hands them to Bull together and the worker runs them at once.
    const service = t.app.get(NotificationsService);
    await db.transaction(async (manager) => {
      for (const r of [...news, verify, verify, bad, toGone]) await service.notify(manager, r);
    });

    const stored = await waitFor(async () => {
      const rows: Array<{ user_id: string; idempotency_key: string; inbox: boolean }> =
        await db.query(
          `SELECT user_id, idempotency_key, inbox FROM notifications WHERE idempotency_key LIKE $1`,
          [`${run}:%`],
        );
      return rows.length >= 31 ? rows : null;
    });
    expect(stored.map((r) => r.idempotency_key).sort()).toEqual(
      [...news, verify].map((r) => r.idempotencyKey).sort(),
    );
    const mail = await inbox.waitForMail((m) => m.to.includes(ann!.email));
    expect(mail.text).toContain(verify.data.verifyUrl);

    const [{ id: badEventId }] = await db.query(
      `SELECT id FROM outbox_events WHERE payload->>'idempotencyKey' = $1`,
      [bad.idempotencyKey],
    );
    const outbox = t.app.get<Queue>(getQueueToken(QUEUES.outbox.name));
    const badJob = await waitFor(async () => {
      const job = await outbox.getJob(badEventId);
      return job && job.attemptsMade >= 1 ? job : null;
    });
    expect(badJob.failedReason).toMatch(/too long/);
    // It would retry for minutes; later tests of this worker wait for an idle outbox queue.
    await waitFor(async () => (await badJob.getState()) === 'delayed');
    await badJob.remove();

    // Real-time events: one per new inbox notification, and an unread count that ends right.
    for (const user of [ann!, bob!]) {
      const events = await t.app.get(StreamEvents).after(user.id, '0-0');
      const mine = stored.filter((r) => r.user_id === user.id && r.inbox);
      expect(events.filter((e) => e.event === 'notification')).toHaveLength(mine.length);
      const counts = events
        .filter((e) => e.event === 'unread-count')
        .map((e) => (JSON.parse(e.data) as { count: number }).count);
      expect(Math.max(...counts)).toBe(mine.length);
    }
    expect(inbox.mailsTo(ann!.email)).toHaveLength(1);
  });

  it('delivers email + push + in-app per preferences; an opted-out channel is skipped', async () => {
    const user = await insertUser(t.app);
    await t.app
      .get(PreferencesService)
      .update(user.id, { channels: { payments: { email: false } } });
    const key = `payment:${randomUUID()}`;
    await notify(t.app, {
      userId: user.id,
      type: 'payments.succeeded',
      data: paymentData(),
      idempotencyKey: key,
    });
    const deliveries = await waitFor(async () => {
      const d = await deliveriesOf(t.app, user.id, key);
      return d.push && d.push.status !== 'queued' && d.push.status !== 'sending' ? d : null;
    });
    expect(deliveries.email?.status).toBe('skipped');
    expect(deliveries.in_app?.status).toBe('sent');
    // No device registered: nothing to push to.
    expect(deliveries.push).toMatchObject({
      status: 'skipped',
      last_error: 'no registered push devices',
    });
    expect(inbox.mailsTo(user.email)).toHaveLength(0);
  });

  it('rejects a switched-off security email with the reason', async () => {
    const user = await insertUser(t.app);
    await expect(
      t.app.get(PreferencesService).update(user.id, { channels: { security: { email: false } } }),
    ).rejects.toMatchObject({ kind: 'invalid', code: 'security-email-required' });
  });

  it('retries a failing SMTP server and delivers exactly one mail once it recovers', async () => {
    const user = await insertUser(t.app);
    inbox.failNext(2, { stage: 'data', code: 451, message: 'Try again later' });
    const key = `welcome:${randomUUID()}`;
    await notify(t.app, {
      userId: user.id,
      type: 'account.welcome',
      data: { displayName: 'Ann' },
      idempotencyKey: key,
    });
    await inbox.waitForMail((m) => m.to.includes(user.email));
    const delivery = await waitFor(async () => {
      const d = await deliveriesOf(t.app, user.id, key);
      return d.email?.status === 'sent' ? d.email : null;
    });
    expect(delivery.attempts).toBe(3);
    expect(inbox.failures).toBeGreaterThanOrEqual(2);
    // Two failed attempts before the one that sent (Bull counts the completing one too).
    const job = await waitFor(async () => {
      const j = await queue().getJob(delivery.id);
      return (await j?.isCompleted()) ? j : null;
    });
    expect(job.attemptsMade).toBeGreaterThanOrEqual(2);
    expect(job.attemptsMade).toBeLessThanOrEqual(3);
    expect(inbox.mailsTo(user.email)).toHaveLength(1);
  });

  it('fails a permanently rejected address at once, without retries, keeping the error', async () => {
    const user = await insertUser(t.app);
    inbox.rejectRecipient(user.email, { stage: 'rcpt', code: 550, message: 'No such user' });
    const key = `welcome:${randomUUID()}`;
    await notify(t.app, {
      userId: user.id,
      type: 'account.welcome',
      data: { displayName: 'Ann' },
      idempotencyKey: key,
    });
    const delivery = await waitFor(async () => {
      const d = await deliveriesOf(t.app, user.id, key);
      return d.email?.status === 'failed' ? d.email : null;
    });
    expect(delivery.attempts).toBe(1);
    expect(delivery.last_error).toMatch(/PermanentDeliveryError.*No such user/);
    const job = await waitFor(async () => {
      const j = await queue().getJob(delivery.id);
      return j && (await j.isFailed()) ? j : null;
    });
    expect(job.attemptsMade).toBe(1);
  });

  it('sends once when two workers race on the same delivery, and not again on a re-run', async () => {
    inbox.delayMs = 300;
    try {
      // Quiet hours park the real job, so only the duplicates below run now.
      const { user, key, email } = await parkedWelcome();
      // Two jobs for one delivery, as after a stalled-job recovery racing the original.
      await Promise.all(
        ['a', 'b'].map((s) =>
          queue().add(
            QUEUES.notifications.jobs.deliver,
            { deliveryId: email.id },
            {
              jobId: `race-${s}-${email.id}`,
              attempts: 6,
              backoff: { type: 'exponential', delay: 100 },
            },
          ),
        ),
      );
      await waitFor(async () => {
        const jobs = await Promise.all(
          ['a', 'b'].map((s) => queue().getJob(`race-${s}-${email.id}`)),
        );
        const done = await Promise.all(jobs.map((j) => j?.isCompleted()));
        return done.every(Boolean);
      });
      expect(inbox.mailsTo(user.email)).toHaveLength(1);

      // A re-run after the send was recorded (the delayed original, promoted) sends nothing.
      const original = await queue().getJob(email.id);
      await original!.promote();
      await waitFor(async () => (await queue().getJob(email.id))?.isCompleted());
      expect(inbox.mailsTo(user.email)).toHaveLength(1);
      const after = await deliveriesOf(t.app, user.id, key);
      expect(after.email).toMatchObject({ status: 'sent', attempts: 1 });
    } finally {
      inbox.delayMs = 0;
    }
  });

  it('takes over a delivery whose worker died after claiming it, and sends it once', async () => {
    const { user, key, email } = await parkedWelcome();
    // A claim whose lease has run out (leases are read on the app's clock).
    await leaveDeliveryClaimed(t.app, email.id, new Date(clock.now().getTime() - 1000));
    const job = await waitFor(() => queue().getJob(email.id), { what: 'delivery job' });
    await job.promote();
    await inbox.waitForMail((m) => m.to.includes(user.email));
    const after = await waitFor(async () => {
      const d = await deliveriesOf(t.app, user.id, key);
      return d.email?.status === 'sent' ? d.email : null;
    });
    expect(after.attempts).toBe(2);
    expect(inbox.mailsTo(user.email)).toHaveLength(1);
  });
});
