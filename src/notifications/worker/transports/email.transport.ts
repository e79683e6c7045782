import { randomUUID } from 'node:crypto';
import { types } from 'node:util';
import { createTransport } from 'nodemailer';
import { PermanentDeliveryError } from './delivery-errors.js';

export { PermanentDeliveryError } from './delivery-errors.js';

export interface EmailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
  headers?: Record<string, string>;
}

export interface EmailSendResult {
  messageId: string;
}

/** The sending port; the abstract class is the DI token, adapters extend it. */
export abstract class EmailTransport {
  /**
   * Resolves once the relay accepted the mail. Throws PermanentDeliveryError when retrying
   * cannot help; any other error is transient.
   */
  abstract send(message: EmailMessage): Promise<EmailSendResult>;

  /** Releases connections at shutdown. */
  async close(): Promise<void> {}
}

export interface SmtpEmailTransportOptions {
  /** `SMTP_URL`, e.g. `smtp://user:pass@host:587` or `smtps://…:465`. */
  url: string;
  from: string;
  maxConnections?: number;
  connectionTimeoutMs?: number;
  greetingTimeoutMs?: number;
  socketTimeoutMs?: number;
}

/** Pooled SMTP through nodemailer: workers reuse connections instead of a handshake per mail. */
export class SmtpEmailTransport extends EmailTransport {
  private readonly mailer;

  constructor(private readonly options: SmtpEmailTransportOptions) {
    super();
    this.mailer = createTransport({
      url: options.url,
      pool: true,
      maxConnections: options.maxConnections ?? 5,
      // nodemailer waits minutes by default; a stuck relay must fail the job so Bull retries.
      connectionTimeout: options.connectionTimeoutMs ?? 10_000,
      greetingTimeout: options.greetingTimeoutMs ?? 10_000,
      socketTimeout: options.socketTimeoutMs ?? 30_000,
      // Our mails never embed files or URLs to fetch; refuse them if a template ever tries.
      disableFileAccess: true,
      disableUrlAccess: true,
    });
  }

  async send(message: EmailMessage): Promise<EmailSendResult> {
    try {
      const info = await this.mailer.sendMail({ from: this.options.from, ...message });
      return { messageId: info.messageId };
    } catch (error) {
      throw classifySmtpError(error);
    }
  }

  override async close(): Promise<void> {
    this.mailer.close();
  }
}

interface SmtpErrorFields {
  code?: unknown;
  responseCode?: unknown;
  command?: unknown;
}

/**
 * 5xx replies to RCPT TO or DATA reject this mail for good (unknown mailbox, content refused),
 * as do addresses nodemailer refuses before talking to the relay. 5xx to AUTH or MAIL FROM, by
 * contrast, is our configuration: every mail would fail, so retries give the operator time.
 * 503 is a session-state hiccup, not a verdict on the mail. Transient errors are returned as
 * they are, so Bull records the real cause.
 */
export function classifySmtpError(error: unknown): Error {
  // isNativeError, not instanceof: socket errors can come from another realm (e.g. under jest).
  if (!types.isNativeError(error)) return new Error(`SMTP send failed: ${String(error)}`);
  const { code, responseCode, command } = error as Error & SmtpErrorFields;
  const rejectedForGood =
    typeof responseCode === 'number' &&
    responseCode >= 500 &&
    responseCode !== 503 &&
    (command === 'RCPT TO' || command === 'DATA');
  const refusedLocally = code === 'EENVELOPE' && command === 'API';
  return rejectedForGood || refusedLocally
    ? new PermanentDeliveryError(error.message, { cause: error })
    : error;
}

const LINK = /https?:\/\/[^\s<>"]+/g;

/** `{ info(obj, msg) }`: what pino offers, and all this adapter needs. */
export interface MailLogger {
  info(obj: object, msg: string): void;
}

/**
 * Development default without `SMTP_URL`: the mail goes to the log, text part included, then
 * each link of the text as a line of its own, so a developer can click the verification link.
 */
export class LogEmailTransport extends EmailTransport {
  constructor(
    private readonly logger: MailLogger,
    private readonly from: string,
  ) {
    super();
  }

  async send(message: EmailMessage): Promise<EmailSendResult> {
    const messageId = `<${randomUUID()}@log.invalid>`;
    const { to, subject, text, headers } = message;
    this.logger.info(
      { mail: { messageId, from: this.from, to, subject, headers, text } },
      `Email to ${to} written to the log (no SMTP_URL): ${subject}`,
    );
    for (const link of text.match(LINK) ?? []) this.logger.info({ messageId }, link);
    return { messageId };
  }
}
