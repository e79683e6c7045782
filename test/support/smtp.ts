import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerAddress, type SMTPServerSession } from 'smtp-server';
import { waitFor } from './wait.js';

export interface ReceivedMail {
  /** Envelope recipients (RCPT TO), lower-cased. */
  to: string[];
  from: string;
  subject: string;
  text: string;
  html: string;
  messageId: string | null;
  parsed: ParsedMail;
}

/** An SMTP reply the inbox answers with instead of accepting. */
export interface InjectedFailure {
  /** Where to fail: at RCPT TO (recipient) or after DATA (the message). */
  stage: 'rcpt' | 'data';
  /** e.g. 451 (try again later) or 550 (mailbox unavailable, permanent). */
  code: number;
  message?: string;
}

type Rule = { failure: InjectedFailure; remaining: number; match: (to: string) => boolean };

/**
 * A real SMTP server in the test process (smtp-server on 127.0.0.1, port 0): the app's
 * nodemailer transport talks SMTP to it and every accepted mail is parsed with mailparser.
 * Inject failures with `failNext` / `rejectRecipient`, slow it down with `delayMs`.
 *
 *   const inbox = await SmtpInbox.start();
 *   const t = await createTestApp({ SMTP_URL: inbox.url });
 *   const mail = await inbox.waitForMail((m) => m.to.includes('ann@example.com'));
 */
export class SmtpInbox {
  readonly mails: ReceivedMail[] = [];
  /** SMTP transactions answered with an injected failure. */
  failures = 0;
  /** Added before each reply to DATA (to widen race windows). */
  delayMs = 0;
  /** Messages received in full whose reply is held back by holdReplies(). */
  holding = 0;
  /** DATA commands accepted (354 sent): messages whose transfer began, complete or not. */
  messagesBegun = 0;
  private gate: { released: Promise<void>; release: () => void } | null = null;
  private rules: Rule[] = [];
  private server: SMTPServer;
  private port = 0;

  private constructor() {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onRcptTo: (address, _session, callback) => {
        const error = this.injected('rcpt', address.address);
        callback(error ?? undefined);
      },
      onData: (stream, session, callback) => {
        this.messagesBegun++;
        simpleParser(stream)
          .then(async (parsed) => {
            if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
            await this.heldBack();
            const to = recipients(session);
            const error = to.map((r) => this.injected('data', r)).find(Boolean);
            if (error) return callback(error);
            this.mails.push(toMail(parsed, session, to));
            callback();
          })
          .catch((error: Error) => callback(error));
      },
    });
  }

  static async start(): Promise<SmtpInbox> {
    const inbox = new SmtpInbox();
    await new Promise<void>((resolve, reject) => {
      inbox.server.once('error', reject);
      inbox.server.listen(0, '127.0.0.1', () => resolve());
    });
    inbox.port = (inbox.server.server.address() as AddressInfo).port;
    return inbox;
  }

  /** For SMTP_URL. */
  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  /** The next `count` transactions (any recipient) fail as described. */
  failNext(count: number, failure: InjectedFailure = { stage: 'data', code: 451 }): void {
    this.rules.push({ failure, remaining: count, match: () => true });
  }

  /** Every mail to this address fails (default: 550, permanent). */
  rejectRecipient(address: string, failure: InjectedFailure = { stage: 'rcpt', code: 550 }): void {
    const target = address.toLowerCase();
    this.rules.push({ failure, remaining: Infinity, match: (to) => to === target });
  }

  /**
   * From now on, a received message gets no reply until releaseReplies(): a relay that holds
   * the mail it was given while the sender waits for the acknowledgement. Mails are kept (and
   * counted) on release even if the sender has gone meanwhile, as a real relay may deliver them.
   */
  holdReplies(): void {
    if (this.gate) return;
    let release = () => {};
    const released = new Promise<void>((r) => (release = r));
    this.gate = { released, release };
  }

  releaseReplies(): void {
    this.gate?.release();
    this.gate = null;
  }

  private async heldBack(): Promise<void> {
    if (!this.gate) return;
    this.holding++;
    try {
      await this.gate.released;
    } finally {
      this.holding--;
    }
  }

  clearFailures(): void {
    this.rules = [];
  }

  mailsTo(address: string): ReceivedMail[] {
    const target = address.toLowerCase();
    return this.mails.filter((m) => m.to.includes(target));
  }

  /** Resolves with the first mail (already received or arriving) that matches. */
  async waitForMail(
    predicate: (mail: ReceivedMail) => boolean,
    { timeoutMs = 10_000, what = 'mail' } = {},
  ): Promise<ReceivedMail> {
    return waitFor(() => this.mails.find(predicate), { timeoutMs, what });
  }

  /** The n-th mail (1-based) to `address` whose text contains `contains`, waiting for it. */
  async waitForText(address: string, contains: string, n = 1): Promise<ReceivedMail> {
    return waitFor(() => this.mailsTo(address).filter((m) => m.text.includes(contains))[n - 1], {
      what: `mail #${n} to ${address} containing ${contains}`,
      timeoutMs: 15_000,
    });
  }

  async stop(): Promise<void> {
    this.releaseReplies();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private injected(stage: InjectedFailure['stage'], to: string): Error | null {
    const rule = this.rules.find(
      (r) => r.failure.stage === stage && r.remaining > 0 && r.match(to.toLowerCase()),
    );
    if (!rule) return null;
    rule.remaining--;
    this.failures++;
    const error = new Error(rule.failure.message ?? `Injected failure ${rule.failure.code}`);
    (error as Error & { responseCode: number }).responseCode = rule.failure.code;
    return error;
  }
}

function recipients(session: SMTPServerSession): string[] {
  return session.envelope.rcptTo.map((r: SMTPServerAddress) => r.address.toLowerCase());
}

function toMail(parsed: ParsedMail, session: SMTPServerSession, to: string[]): ReceivedMail {
  const from = session.envelope.mailFrom;
  return {
    to,
    from: from ? from.address : '',
    subject: parsed.subject ?? '',
    text: parsed.text ?? '',
    html: typeof parsed.html === 'string' ? parsed.html : '',
    messageId: parsed.messageId ?? null,
    parsed,
  };
}
