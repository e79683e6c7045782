import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Job } from 'bull';
import { Clock } from '../../common/clock.js';
import { APP_CONFIG, type AppConfig } from '../../config/index.js';
import { plannedRetryDelayMs } from '../../queue/backoff.js';
import { UsersService, type UserContact } from '../../users/index.js';
import type { NotificationData } from '../domain/catalogue.js';
import { render, type RenderedNotification } from '../domain/render.js';
import { NotificationSecrets } from '../notification-secrets.js';
import type { DeliverJob } from '../notifications.queue.js';
import {
  NotificationsRepository,
  type DeliveryEnd,
  type DeliveryRow,
} from '../repositories/notifications.repository.js';
import {
  DeliveryBusyError,
  errorCode,
  errorFields,
  errorText,
  truncate,
} from './delivery-failures.js';
import { PushSender } from './push-sender.js';
import { PermanentDeliveryError } from './transports/delivery-errors.js';
import { EmailTransport } from './transports/email.transport.js';

export type DeliveryOutcome = 'sent' | 'skipped' | 'already-done' | 'missing';

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
    private readonly deliveries: NotificationsRepository,
    private readonly users: UsersService,
    private readonly email: EmailTransport,
    private readonly push: PushSender,
    private readonly clock: Clock,
    private readonly secrets: NotificationSecrets,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async process(job: Job<DeliverJob>): Promise<DeliveryOutcome> {
    const { deliveryId } = job.data;
    const row = await this.deliveries.findDelivery(deliveryId);
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
    const now = await this.deliveries.findDelivery(deliveryId);
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

  private async sendPush(
    row: DeliveryRow,
    contact: UserContact,
    rendered: RenderedNotification,
  ): Promise<DeliveryOutcome> {
    const result = await this.push.send(row, contact, rendered);
    if (result.outcome === 'skipped') {
      await this.finish(row.id, 'skipped', { error: result.error });
      return 'skipped';
    }
    await this.finish(row.id, 'sent', {
      providerMessageId: result.providerMessageId,
      error: result.error,
    });
    return 'sent';
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
        this.deliveries
          .renewClaim(id, claim, this.leaseEnd())
          .catch((error: unknown) =>
            this.logger.warn(
              { deliveryId: id, code: errorCode(error) },
              'could not renew the claim',
            ),
          );
      },
      Math.floor(leaseMs / 3),
    );
    timer.unref();
    return () => clearInterval(timer);
  }

  private messageId(deliveryId: string): string {
    const domain = /@([^>\s]+)>?\s*$/.exec(this.config.notifications.mailFrom)?.[1] ?? 'localhost';
    return `<${deliveryId}@${domain}>`;
  }

  /** Claims the delivery with a lease from the clock; null when it is not ours. */
  private claim(id: string): Promise<number | null> {
    const now = this.clock.now();
    return this.deliveries.claimDelivery(id, now, this.leaseEnd(now));
  }

  private leaseEnd(now = this.clock.now()): Date {
    return new Date(now.getTime() + this.config.notifications.sendLeaseMs);
  }

  private async finish(
    id: string,
    status: DeliveryEnd['status'],
    details: { providerMessageId?: string | null; error?: string | null },
  ): Promise<void> {
    await this.deliveries.finishDelivery(id, {
      status,
      providerMessageId: details.providerMessageId ?? null,
      error: truncate(details.error ?? null),
      at: this.clock.now(),
    });
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
    await this.deliveries.requeueDelivery(id, claim, truncate(message));
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
