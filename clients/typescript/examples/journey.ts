/**
 * A client's whole journey through the API, written only against the SDK: register, verify the
 * email, sign in, read the profile, pay in the sandbox while the notification stream is open,
 * list notifications, refresh the tokens, sign out.
 *
 *   API_URL=http://localhost:3000 node --import tsx clients/typescript/examples/journey.ts
 *
 * It asks for the verification token from the mail (without SMTP_URL the app logs the mail), or
 * takes it from VERIFY_TOKEN. test/sdk-journey.e2e-spec.ts runs it against the real app.
 */
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline/promises';
import { pathToFileURL } from 'node:url';
// An app would import from '@app-backend/client'; the example uses the SDK's source directly.
import { createApiClient, ok, type Fetch, type NotificationEvent } from '../src/index.js';

export interface JourneyOptions {
  baseUrl: string;
  email: string;
  password: string;
  /** The token of the verification link mailed to `email`. */
  readVerificationToken(email: string): Promise<string>;
  log?: (step: string) => void;
  /** Bound on waiting for a stream event. */
  eventTimeoutMs?: number;
  /** The SDK's transport; default: the global fetch. */
  fetch?: Fetch;
}

export interface JourneyResult {
  userId: string;
  emailVerified: boolean;
  paymentId: string;
  paymentStatus: string;
  /** The payment notification as the stream delivered it, and as the list shows it. */
  streamedNotificationId: string;
  listedNotificationIds: string[];
  tokensRotated: boolean;
  signedOut: boolean;
  streamEndedWithRevocation: boolean;
}

export async function runJourney(options: JourneyOptions): Promise<JourneyResult> {
  const { baseUrl, email, password, log = () => {}, eventTimeoutMs = 15_000 } = options;
  const client = createApiClient({ baseUrl, fetch: options.fetch });

  log(`register ${email}`);
  await ok(client.POST('/api/v1/auth/register', { body: { email, password, displayName: 'Ada' } }));
  const token = await options.readVerificationToken(email);
  await ok(client.POST('/api/v1/auth/email/verify', { body: { token } }));

  log('login');
  const session = await ok(
    client.POST('/api/v1/auth/login', { body: { email, password, deviceName: 'SDK journey' } }),
  );
  if ('mfaRequired' in session) throw new Error('the journey expects an account without MFA');
  const me = await ok(client.GET('/api/v1/users/me'));
  log(`signed in as ${me.email} (${session.user.id}), verified: ${me.emailVerified}`);

  const stop = new AbortController();
  const events = new EventLog(client.notificationEvents({ signal: stop.signal }), eventTimeoutMs);
  try {
    // The first unread count means the stream is live: what happens next reaches it.
    await events.next((e) => e.type === 'unread-count');

    log('create and confirm a sandbox payment');
    const payment = await ok(
      client.POST('/api/v1/payments', {
        body: { amount: 1999, currency: 'usd', description: 'SDK journey' },
      }),
    );
    const confirmed = await ok(
      client.POST('/api/v1/payments/{id}/confirm', {
        params: { path: { id: payment.id } },
        body: { paymentMethod: 'pm_card_visa' },
      }),
    );
    log(`payment ${confirmed.id}: ${confirmed.status}`);

    const streamed = await events.next(
      (e) => e.type === 'notification' && e.notification.type === 'payments.succeeded',
    );
    const streamedId = streamed.type === 'notification' ? streamed.notification.id : '';
    log(`stream: notification ${streamedId}`);

    const page = await ok(
      client.GET('/api/v1/notifications', { params: { query: { limit: 10 } } }),
    );
    const listed = page.data.filter((n) => n.type === 'payments.succeeded').map((n) => n.id);
    log(`notifications listed: ${page.data.map((n) => n.title).join(', ')}`);

    log('refresh');
    const before = await client.tokens.get();
    const after = await client.refresh();
    await ok(client.GET('/api/v1/users/me')); // the new access token works

    log('logout');
    await ok(client.POST('/api/v1/auth/logout'));
    const revoked = await events.next((e) => e.type === 'session-revoked');

    return {
      userId: me.id,
      emailVerified: me.emailVerified,
      paymentId: confirmed.id,
      paymentStatus: confirmed.status,
      streamedNotificationId: streamedId,
      listedNotificationIds: listed,
      // The refresh token rotates on every use. (The access token may come out the same: a JWT
      // for the same session issued within the same second is the same string.)
      tokensRotated: before !== null && after.refreshToken !== before.refreshToken,
      signedOut: (await client.tokens.get()) === null,
      streamEndedWithRevocation: revoked.type === 'session-revoked',
    };
  } finally {
    stop.abort();
    await events.closed;
  }
}

/** Reads the stream in the background and keeps every event, so a step can wait for one. */
class EventLog {
  private readonly seen: NotificationEvent[] = [];
  private failure: unknown = null;
  readonly closed: Promise<void>;

  constructor(
    stream: AsyncGenerator<NotificationEvent>,
    private readonly timeoutMs: number,
  ) {
    this.closed = (async () => {
      for await (const event of stream) this.seen.push(event);
    })().catch((error: unknown) => {
      this.failure = error;
    });
  }

  async next(match: (event: NotificationEvent) => boolean): Promise<NotificationEvent> {
    const deadline = Date.now() + this.timeoutMs;
    for (;;) {
      const found = this.seen.find(match);
      if (found) return found;
      if (this.failure !== null) throw this.failure;
      if (Date.now() > deadline) throw new Error('timed out waiting for a stream event');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

async function askForToken(email: string): Promise<string> {
  const fromEnv = process.env.VERIFY_TOKEN;
  if (fromEnv) return fromEnv;
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await prompt.question(`Verification token mailed to ${email}: `);
    // Accept the whole link as well as the bare token.
    return new URL(answer.trim(), 'http://x').searchParams.get('token') ?? answer.trim();
  } finally {
    prompt.close();
  }
}

const entry = process.argv[1];
if (entry && import.meta.url === pathToFileURL(entry).href) {
  const result = await runJourney({
    baseUrl: process.env.API_URL ?? 'http://localhost:3000',
    email: process.env.EMAIL ?? `journey-${randomUUID()}@example.com`,
    password: process.env.PASSWORD ?? `journey ${randomUUID()}`,
    readVerificationToken: askForToken,
    log: (step) => console.log(`- ${step}`),
  });
  console.log(JSON.stringify(result, null, 2));
}
