import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Job } from 'bull';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock.js';
import { NotificationSecrets } from './notification-secrets.js';
import { APP_CONFIG, type AppConfig } from '../config/index.js';
import { UsersService, type UserContact } from '../users/index.js';
import { PermanentDeliveryError, PushTokenUnregisteredError } from './channels/delivery-errors.js';
import { EmailTransport } from './channels/email.transport.js';
import { PushTransport } from './channels/push.transport.js';
import type { Channel, NotificationData, NotificationType } from './domain/catalogue.js';
import { render, type RenderedNotification } from './domain/render.js';
import type { DeliveryStatus } from './entities/notification-delivery.entity.js';
import type { PushPlatform } from './channels/push.transport.js';
import type { DeliverJob } from './notifications.queue.js';
import { plannedRetryDelayMs, type RetryAfterHint } from '../queue/backoff.js';

interface DeliveryRow {
  id: string;
  channel: Channel;
  status: DeliveryStatus;
  claimed_until: Date | null;
  sent_device_ids: string[] | null;
  notification_id: string;
  user_id: string;
  type: NotificationType;
  data: Record<string, unknown>;
}

/**
 * Another worker holds the claim on this delivery. Bull retries the job when that claim runs out
 * (`retryAfterMs`, read by the queue's backoff strategy): at once after a dead worker's lease,
 * again if the holder is alive and still renewing it.
 */
export class DeliveryBusyError extends Error implements RetryAfterHint {
  override readonly name = 'DeliveryBusyError';
  readonly code = 'DELIVERY_BUSY';

  constructor(
    deliveryId: string,
    readonly retryAfterMs: number,
  ) {
    super(`delivery ${deliveryId} is being sent by another worker`);
  }
}

/** A transient push failure on some devices, after others were sent to. */
class PartialPushError extends Error {
  override readonly name = 'PartialPushError';
}

export type DeliveryOutcome = 'sent' | 'skipped' | 'already-done' | 'missing';

const ERROR_MAX = 2000;
/** A busy retry comes this long after the holder's lease ends, so the lease has surely ended. */
const LEASE_MARGIN_MS = 50;
/** Tries at recording a send the provider accepted: 100, 200, 400, 800 ms apart. */
const RECORD_SENT_TRIES = 5;

/**
 * Sends one email or push delivery. Check and record around the send: a worker first claims
 * the row (queued → sending, with a lease it renews while the send runs), sends, then records
 * `sent` in one statement before anything else. A second run for the same delivery finds it sent
 * (or claimed) and does not send again. Only a worker that dies between the provider accepting
 * and that statement committing can cause a resend, after the lease expires; emails carry a
 * Message-ID derived from the delivery id so receivers can drop the duplicate. The claim is the
 * row's `attempts` value: a renewal or release by a worker whose claim was taken over does nothing.
 */
@Injectable()
export class DeliveryService {
  private readonly logger = new Logger(DeliveryService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly users: UsersService,
    private readonly email: EmailTransport,
    private readonly push: PushTransport,
    private readonly clock: Clock,
    private readonly secrets: NotificationSecrets,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async process(job: Job<DeliverJob>): Promise<DeliveryOutcome> {
    const { deliveryId } = job.data;
    const row = await this.load(deliveryId);
    if (!row) return 'missing';
    if (row.status === 'sent' || row.status === 'failed' || row.status === 'skipped') {
      return 'already-done';
    }
    const claim = await this.claim(deliveryId);
    if (claim === null) return this.whenNotClaimed(job, deliveryId);

    const contact = await this.users.findContact(row.user_id);
    if (!contact || contact.status !== 'active') {
      await this.finish(deliveryId, 'skipped', { error: 'recipient is deleted or disabled' });
      return 'skipped';
    }
    const rendered = render(
      row.type,
      contact.locale,
      this.secrets.open(row.data) as unknown as NotificationData[typeof row.type],
      {
        timeZone: contact.timeZone,
        appName: this.config.notifications.appName,
      },
    );

    const stopRenewing = this.renewWhileSending(deliveryId, claim);
    try {
      return await this.send(job, row, contact, rendered, claim);
    } finally {
      stopRenewing();
    }
  }

  /** The claim went to another worker, or the delivery was finished meanwhile. */
  private async whenNotClaimed(job: Job<DeliverJob>, deliveryId: string): Promise<DeliveryOutcome> {
    const now = await this.load(deliveryId);
    if (now?.status !== 'sending') return 'already-done';
    const until = now.claimed_until ? new Date(now.claimed_until).getTime() : 0;
    const waitMs = Math.max(0, until - this.clock.now().getTime()) + LEASE_MARGIN_MS;
    const error = new DeliveryBusyError(deliveryId, waitMs);
    this.logRetry(job, deliveryId, error);
    throw error;
  }

  private async send(
    job: Job<DeliverJob>,
    row: DeliveryRow,
    contact: UserContact,
    rendered: RenderedNotification,
    claim: number,
  ): Promise<DeliveryOutcome> {
    const deliveryId = row.id;
    if (row.channel === 'email') {
      let messageId: string;
      try {
        ({ messageId } = await this.email.send({
          to: contact.email,
          subject: rendered.email.subject,
          text: rendered.email.text,
          html: rendered.email.html,
          headers: { 'Message-ID': this.messageId(deliveryId) },
        }));
      } catch (error) {
        await this.recordFailure(job, deliveryId, claim, error);
        throw error;
      }
      // The relay has the mail: record that first, so nothing can send it again.
      await this.recordSent(deliveryId, messageId);
      return 'sent';
    }
    try {
      if (row.channel === 'push') return await this.sendPush(row, contact, rendered);
      await this.finish(deliveryId, 'skipped', {
        error: `channel ${row.channel} is not sent by a worker`,
      });
      return 'skipped';
    } catch (error) {
      await this.recordFailure(job, deliveryId, claim, error);
      throw error;
    }
  }

  /**
   * Marks an accepted mail sent, retrying briefly (the lease is still being renewed) so a
   * database hiccup right after the SMTP acknowledgement does not lead to a second send.
   */
  private async recordSent(id: string, providerMessageId: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.finish(id, 'sent', { providerMessageId });
        return;
      } catch (error) {
        if (attempt >= RECORD_SENT_TRIES) throw error;
        await new Promise((r) => setTimeout(r, 100 * 2 ** (attempt - 1)));
      }
    }
  }

  /** Extends the claim every third of the lease while the send runs. */
  private renewWhileSending(id: string, claim: number): () => void {
    const leaseMs = this.config.notifications.sendLeaseMs;
    const timer = setInterval(
      () => {
        this.renew(id, claim).catch((error: unknown) =>
          this.logger.warn({ deliveryId: id, code: errorCode(error) }, 'could not renew the claim'),
        );
      },
      Math.floor(leaseMs / 3),
    );
    timer.unref();
    return () => clearInterval(timer);
  }

  private async renew(id: string, claim: number): Promise<void> {
    const now = this.clock.now();
    const until = new Date(now.getTime() + this.config.notifications.sendLeaseMs);
    await this.dataSource.query(
      `UPDATE notification_deliveries SET claimed_until = $3
        WHERE id = $1 AND status = 'sending' AND attempts = $2`,
      [id, claim, until.toISOString()],
    );
  }

  private async sendPush(
    row: DeliveryRow,
    contact: UserContact,
    rendered: RenderedNotification,
  ): Promise<DeliveryOutcome> {
    const devices: Array<{ id: string; token: string; platform: PushPlatform }> =
      await this.dataSource.query(
        `SELECT id, token, platform FROM push_devices WHERE user_id = $1 ORDER BY created_at`,
        [contact.id],
      );
    const done = new Set(row.sent_device_ids ?? []);
    const pending = devices.filter((d) => !done.has(d.id));
    if (devices.length === 0 || (pending.length === 0 && done.size === 0)) {
      await this.finish(row.id, 'skipped', { error: 'no registered push devices' });
      return 'skipped';
    }
    const messageIds: string[] = [];
    const permanent: string[] = [];
    let transient: unknown = null;
    for (const device of pending) {
      try {
        const result = await this.push.send({
          token: device.token,
          platform: device.platform,
          title: rendered.push.title,
          body: rendered.push.body,
          data: { notificationId: row.notification_id, type: row.type },
        });
        done.add(device.id);
        messageIds.push(result.messageId);
      } catch (error) {
        if (error instanceof PushTokenUnregisteredError) {
          // The provider forgot this device: delete it (unless it was re-registered meanwhile).
          await this.dataSource.query(`DELETE FROM push_devices WHERE id = $1 AND token = $2`, [
            device.id,
            device.token,
          ]);
          permanent.push(error.message);
        } else if (error instanceof PermanentDeliveryError) {
          permanent.push(error.message);
        } else {
          transient = error;
        }
      }
    }
    await this.dataSource.query(
      `UPDATE notification_deliveries SET sent_device_ids = $2, updated_at = now() WHERE id = $1`,
      [row.id, JSON.stringify([...done])],
    );
    if (transient) {
      throw new PartialPushError(
        `push failed on some devices (${done.size} sent): ${errorText(transient)}`,
        { cause: transient },
      );
    }
    if (done.size === 0) {
      throw new PermanentDeliveryError(permanent.join('; ') || 'no device accepted the push');
    }
    await this.finish(row.id, 'sent', {
      providerMessageId: messageIds.join(' ').slice(0, 255) || null,
      error: permanent.length > 0 ? permanent.join('; ') : null,
    });
    return 'sent';
  }

  private messageId(deliveryId: string): string {
    const domain = /@([^>\s]+)>?\s*$/.exec(this.config.notifications.mailFrom)?.[1] ?? 'localhost';
    return `<${deliveryId}@${domain}>`;
  }

  private async load(id: string): Promise<DeliveryRow | null> {
    const rows: DeliveryRow[] = await this.dataSource.query(
      `SELECT d.id, d.channel, d.status, d.claimed_until, d.sent_device_ids, d.notification_id,
              n.user_id, n.type, n.data
         FROM notification_deliveries d JOIN notifications n ON n.id = d.notification_id
        WHERE d.id = $1`,
      [id],
    );
    return rows[0] ?? null;
  }

  /**
   * queued → sending (or a sending row whose lease ran out: its worker died), with a lease from
   * the clock. Returns the claim (the row's new `attempts`), or null when it is not ours.
   */
  private async claim(id: string): Promise<number | null> {
    const now = this.clock.now();
    const until = new Date(now.getTime() + this.config.notifications.sendLeaseMs);
    const [rows]: [Array<{ attempts: number }>, number] = await this.dataSource.query(
      `UPDATE notification_deliveries
          SET status = 'sending', attempts = attempts + 1, updated_at = now(),
              claimed_until = $3
        WHERE id = $1
          AND (status = 'queued' OR (status = 'sending' AND claimed_until < $2))
       RETURNING attempts`,
      [id, now.toISOString(), until.toISOString()],
    );
    return rows[0]?.attempts ?? null;
  }

  private async finish(
    id: string,
    status: 'sent' | 'skipped' | 'failed',
    details: { providerMessageId?: string | null; error?: string | null },
  ): Promise<void> {
    const at = this.clock.now().toISOString();
    await this.dataSource.query(
      `UPDATE notification_deliveries
          SET status = $2::varchar, claimed_until = NULL, updated_at = now(),
              provider_message_id = COALESCE($3, provider_message_id),
              last_error = $4,
              sent_at = CASE WHEN $2::varchar = 'sent' THEN $5::timestamptz ELSE sent_at END,
              failed_at = CASE WHEN $2::varchar = 'failed' THEN $5::timestamptz ELSE failed_at END
        WHERE id = $1`,
      [id, status, details.providerMessageId ?? null, truncate(details.error ?? null), at],
    );
  }

  /**
   * A permanent error fails the delivery and discards the job (no retries). A transient one puts
   * the row back to queued for the retry (if the claim is still ours), or fails it on the last
   * attempt.
   */
  private async recordFailure(
    job: Job<DeliverJob>,
    id: string,
    claim: number,
    error: unknown,
  ): Promise<void> {
    const message = errorText(error);
    const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    if (error instanceof PermanentDeliveryError || lastAttempt) {
      await this.finish(id, 'failed', { error: message });
      if (error instanceof PermanentDeliveryError) await job.discard();
      this.logger.warn(
        { deliveryId: id, attempt: job.attemptsMade + 1, ...errorFields(error) },
        'delivery failed',
      );
      return;
    }
    await this.dataSource.query(
      `UPDATE notification_deliveries
          SET status = 'queued', claimed_until = NULL, last_error = $2, updated_at = now()
        WHERE id = $1 AND status = 'sending' AND attempts = $3`,
      [id, truncate(message), claim],
    );
    this.logRetry(job, id, error);
  }

  /**
   * One warn line per retry Bull will make: when, and the error's code. Never its message, which
   * can quote the recipient's address or the mail.
   */
  private logRetry(job: Job<DeliverJob>, id: string, error: unknown): void {
    const attempt = job.attemptsMade + 1;
    const attempts = job.opts.attempts ?? 1;
    if (attempt >= attempts) return;
    const delayMs = plannedRetryDelayMs(job.opts.backoff, attempt, error);
    this.logger.warn(
      {
        deliveryId: id,
        attempt,
        attempts,
        nextAttemptAt: new Date(this.clock.now().getTime() + delayMs).toISOString(),
        ...errorFields(error),
      },
      'delivery will be retried',
    );
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** A machine-readable cause: SMTP's code and reply code, a socket's errno, or the error's name. */
function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code !== '') return code;
  return error instanceof Error ? error.name : 'unknown';
}

function errorFields(error: unknown): { code: string; responseCode?: number } {
  const responseCode = (error as { responseCode?: unknown } | null)?.responseCode;
  return typeof responseCode === 'number'
    ? { code: errorCode(error), responseCode }
    : { code: errorCode(error) };
}

function truncate(text: string | null): string | null {
  return text && text.length > ERROR_MAX ? `${text.slice(0, ERROR_MAX - 1)}…` : text;
}
