import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplicationContext } from '@nestjs/common';
import { login, signUp, type SignedUp } from './support/auth.js';
import { notify, paymentData } from './support/notifications.js';
import { SseClient } from './support/sse.js';
import { createTestApp, createTestWorker, type TestApp } from './support/test-app.js';

const API = '/api/v1';

/**
 * A stream belongs to the session that asked for its ticket: revoking that session through one
 * instance ends its streams on another, while the user's other sessions keep streaming.
 */
describe('notification streams end with their session', () => {
  let one: TestApp;
  let two: TestApp;
  let worker: INestApplicationContext;
  let baseTwo: string;

  beforeAll(async () => {
    // No grace: presenting a rotated refresh token again is reuse at once.
    const env = { APP_ROLE: 'api', REFRESH_GRACE_SECONDS: '0' };
    one = await createTestApp(env);
    two = await createTestApp(env);
    worker = await createTestWorker();
    await two.app.listen(0, '127.0.0.1');
    baseTwo = `http://127.0.0.1:${(two.app.getHttpServer().address() as AddressInfo).port}`;
    // Three applications boot here: on a loaded 2-core machine that took over the default 30 s.
  }, 90_000);
  afterAll(async () => {
    await one.close();
    await two.close();
    await worker.close();
  });

  const ticketFor = async (accessToken: string): Promise<string> => {
    const res = await one
      .withToken(accessToken)
      .post(`${API}/notifications/stream-ticket`)
      .expect(201);
    return res.body.ticket as string;
  };

  /** A stream on instance two, live (its first unread-count arrived). */
  const streamOnTwo = async (accessToken: string): Promise<SseClient> => {
    const ticket = await ticketFor(accessToken);
    const stream = await SseClient.open(`${baseTwo}${API}/notifications/stream?ticket=${ticket}`);
    expect(stream.status).toBe(200);
    await stream.waitForEvent((e) => e.event === 'unread-count');
    return stream;
  };

  /** Session A and session B of one user, each with a stream on instance two. */
  const twoSessions = async () => {
    const a = await signUp(one);
    const b = await login(one, a.email, a.password);
    return {
      a,
      b,
      streamA: await streamOnTwo(a.accessToken),
      streamB: await streamOnTwo(b.accessToken),
    };
  };

  const expectStillLive = async (user: SignedUp, stream: SseClient) => {
    await notify(one.app, {
      userId: user.userId,
      type: 'payments.succeeded',
      data: paymentData(),
      idempotencyKey: `payment:${randomUUID()}`,
    });
    await stream.waitForEvent((e) => e.event === 'notification');
    expect(stream.ended).toBe(false);
  };

  it('ends session B’s stream when A signs out everywhere else; A’s keeps receiving', async () => {
    const { a, b, streamA, streamB } = await twoSessions();
    try {
      await one.asUser(a).post(`${API}/auth/logout-all`).send({}).expect(200);
      await streamB.waitForEnd();
      expect(streamB.events.at(-1)?.event).toBe('session-revoked');
      await one.asUser(b).post(`${API}/notifications/stream-ticket`).expect(401);
      await expectStillLive(a, streamA);
    } finally {
      streamA.close();
      streamB.close();
    }
  });

  it('refuses a ticket issued to a session before it was revoked', async () => {
    const a = await signUp(one);
    const b = await login(one, a.email, a.password);
    const ticket = await ticketFor(b.accessToken);
    await one.asUser(b).post(`${API}/auth/logout`).expect(204);
    const res = await two.http.get(`${API}/notifications/stream?ticket=${ticket}`).expect(401);
    expect(res.body.type).toBe('urn:problem:invalid-stream-ticket');
  });

  const revocations: Array<
    [string, (a: SignedUp, b: { refreshToken: string; accessToken: string }) => Promise<unknown>]
  > = [
    ['B signs out', (_a, b) => one.asUser(b).post(`${API}/auth/logout`).expect(204)],
    [
      'A revokes B in the sessions list',
      async (a, b) => {
        const list = await one.asUser(b).get(`${API}/auth/sessions`).expect(200);
        const id = (list.body.data as Array<{ id: string; current: boolean }>).find(
          (s) => s.current,
        )?.id;
        await one.asUser(a).delete(`${API}/auth/sessions/${id}`).expect(204);
      },
    ],
    [
      'B’s old refresh token is reused',
      async (_a, b) => {
        await one.http
          .post(`${API}/auth/refresh`)
          .send({ refreshToken: b.refreshToken })
          .expect(200);
        await one.http
          .post(`${API}/auth/refresh`)
          .send({ refreshToken: b.refreshToken })
          .expect(401);
      },
    ],
  ];

  it.each(revocations)('ends B’s stream when %s, not A’s', async (_what, revoke) => {
    const { a, b, streamA, streamB } = await twoSessions();
    try {
      await revoke(a, b);
      await streamB.waitForEnd();
      await expectStillLive(a, streamA);
    } finally {
      streamA.close();
      streamB.close();
    }
  });

  it.each(['disables', 'deletes'])('ends every stream of a user an admin %s', async (action) => {
    const admin = await signUp(one, { role: 'admin' });
    const { a, streamA, streamB } = await twoSessions();
    try {
      const asAdmin = one.asUser(admin);
      const res =
        action === 'disables'
          ? await asAdmin.patch(`${API}/users/${a.userId}`).send({ status: 'disabled' })
          : await asAdmin.delete(`${API}/users/${a.userId}`);
      expect(res.status).toBeLessThan(300);
      await streamA.waitForEnd();
      await streamB.waitForEnd();
    } finally {
      streamA.close();
      streamB.close();
    }
  });
});
