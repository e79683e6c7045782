import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { runJourney } from '../clients/typescript/examples/journey.js';
import { tokenFrom } from './support/auth.js';
import { contractCheckingFetch } from './support/contract/fetch.js';
import { SmtpInbox } from './support/smtp.js';
import { createTestApp, type TestApp } from './support/test-app.js';

/**
 * The TypeScript SDK's example journey, unchanged, against the real app (api + worker) on a real
 * port: the SDK's fetch, refresh, idempotency keys and SSE client talk to the actual server. The
 * verification token comes from the mail the app sent to the SMTP sink. Every response the SDK
 * sees is checked against openapi.json, as supertest's are.
 */
describe('TypeScript SDK example journey', () => {
  let t: TestApp;
  let inbox: SmtpInbox;
  let baseUrl: string;

  beforeAll(async () => {
    inbox = await SmtpInbox.start();
    t = await createTestApp({ SMTP_URL: inbox.url });
    await t.app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await t?.close();
    await inbox?.stop();
  });

  it('registers, verifies, pays with the stream open, refreshes and signs out', async () => {
    const steps: string[] = [];
    const result = await runJourney({
      baseUrl,
      email: `sdk-${randomUUID()}@example.test`,
      password: `sdk journey ${randomUUID()}`,
      readVerificationToken: async (email) =>
        tokenFrom(await inbox.waitForText(email, '/verify-email?token='), '/verify-email').token,
      log: (step) => steps.push(step),
      fetch: contractCheckingFetch(),
    });

    expect(result).toEqual({
      userId: expect.any(String),
      emailVerified: true,
      paymentId: expect.any(String),
      paymentStatus: 'succeeded',
      streamedNotificationId: expect.any(String),
      listedNotificationIds: [result.streamedNotificationId],
      tokensRotated: true,
      signedOut: true,
      streamEndedWithRevocation: true,
    });
    expect(steps.at(-1)).toBe('logout');
  });
});
