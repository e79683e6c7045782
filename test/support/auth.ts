import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { simpleParser, type AddressObject } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { DataSource } from 'typeorm';
import type { TestApp } from './test-app.js';
import { waitFor } from './wait.js';

export interface SignedUp {
  userId: string;
  email: string;
  password: string;
  accessToken: string;
  refreshToken: string;
}

export interface SignUpOptions {
  role?: 'user' | 'admin';
  email?: string;
  password?: string;
  displayName?: string;
}

/**
 * A fresh user through the real API (register, then login). Admins are promoted with a direct
 * update before logging in, so the access token already carries the admin role.
 */
export async function signUp(t: TestApp, opts: SignUpOptions = {}): Promise<SignedUp> {
  const email = opts.email ?? `user-${randomUUID()}@example.test`;
  const password = opts.password ?? `pw ${randomUUID()}`;
  const displayName = opts.displayName ?? 'Test User';
  const registered = await t.http
    .post('/api/v1/auth/register')
    .send({ email, password, displayName });
  if (registered.status !== 202) {
    throw new Error(`signUp: register answered ${registered.status} ${registered.text}`);
  }
  if (opts.role === 'admin') {
    await t.app
      .get(DataSource)
      .query(`UPDATE users SET role = 'admin' WHERE lower(email) = lower($1)`, [email]);
  }
  const { userId, ...tokens } = await login(t, email, password);
  return { userId, email, password, ...tokens };
}

export async function login(
  t: TestApp,
  email: string,
  password: string,
  deviceName?: string,
): Promise<{ userId: string; accessToken: string; refreshToken: string }> {
  const res = await t.http
    .post('/api/v1/auth/login')
    .send({ email, password, ...(deviceName ? { deviceName } : {}) });
  if (res.status !== 200) throw new Error(`login answered ${res.status} ${res.text}`);
  const { accessToken, refreshToken, user } = res.body;
  return { userId: user.id, accessToken, refreshToken };
}

/** `Authorization` header value for supertest's `.set()`. */
export function bearer(accessToken: string): string {
  return `Bearer ${accessToken}`;
}

export interface ReceivedMail {
  to: string[];
  subject: string;
  text: string;
  html: string;
}

/** An in-process SMTP server (a real protocol peer) that keeps every mail it receives. */
export class Mailbox {
  readonly mails: ReceivedMail[] = [];
  private server?: SMTPServer;
  port = 0;

  async start(): Promise<this> {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData: (stream, _session, callback) => {
        simpleParser(stream)
          .then((parsed) => {
            const to = ([] as AddressObject[])
              .concat(parsed.to ?? [])
              .flatMap((a) => a.value.map((v) => (v.address ?? '').toLowerCase()));
            this.mails.push({
              to,
              subject: parsed.subject ?? '',
              text: parsed.text ?? '',
              html: typeof parsed.html === 'string' ? parsed.html : '',
            });
            callback();
          })
          .catch((error: Error) => callback(error));
      },
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.server.address() as AddressInfo).port;
    return this;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  /** Mails to `address` so far. */
  to(address: string): ReceivedMail[] {
    return this.mails.filter((m) => m.to.includes(address.toLowerCase()));
  }

  /** Waits for the n-th mail (1-based) to `address` whose text contains `contains`. */
  async waitFor(address: string, contains: string, n = 1): Promise<ReceivedMail> {
    return waitFor(() => this.to(address).filter((m) => m.text.includes(contains))[n - 1], {
      what: `mail #${n} to ${address} containing ${contains}`,
      timeoutMs: 15_000,
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/** The token of the first `path?token=` link in a mail. */
export function tokenFrom(mail: ReceivedMail, path: string): { url: string; token: string } {
  const match = mail.text.match(new RegExp(`(https?://\\S+${path}\\?token=([A-Za-z0-9_-]{43}))`));
  if (!match?.[1] || !match[2]) throw new Error(`no ${path} link in mail: ${mail.text}`);
  return { url: match[1], token: match[2] };
}
