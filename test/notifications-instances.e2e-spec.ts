import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplicationContext } from '@nestjs/common';
import { signUp } from './support/auth.js';
import { notify, paymentData } from './support/notifications.js';
import { SseClient } from './support/sse.js';
import { createTestApp, createTestWorker, type TestApp } from './support/test-app.js';

/** Production shape: two api instances and a worker, sharing only PostgreSQL and Redis. */
describe('notifications across instances', () => {
  let apiA: TestApp;
  let apiB: TestApp;
  let worker: INestApplicationContext;
  let baseB: string;

  beforeAll(async () => {
    apiA = await createTestApp({ APP_ROLE: 'api' });
    apiB = await createTestApp({ APP_ROLE: 'api' });
    worker = await createTestWorker();
    await apiB.app.listen(0, '127.0.0.1');
    baseB = `http://127.0.0.1:${(apiB.app.getHttpServer().address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await apiA.close();
    await apiB.close();
    await worker.close();
  });

  it('streams to a client on instance B what a request on instance A caused', async () => {
    const user = await signUp(apiA);
    // The ticket is issued by A and redeemed at B: tickets live in Redis, not in a process.
    const ticket = await apiA.asUser(user).post('/api/v1/notifications/stream-ticket').expect(201);
    const stream = await SseClient.open(
      `${baseB}/api/v1/notifications/stream?ticket=${ticket.body.ticket}`,
    );
    try {
      expect(stream.status).toBe(200);
      await stream.waitForEvent((e) => e.event === 'unread-count');
      const key = `payment:${randomUUID()}`;
      await notify(apiA.app, {
        userId: user.userId,
        type: 'payments.succeeded',
        data: paymentData(),
        idempotencyKey: key,
      });
      const event = await stream.waitForEvent((e) => e.event === 'notification');
      expect(JSON.parse(event.data)).toMatchObject({ type: 'payments.succeeded', readAt: null });
    } finally {
      stream.close();
    }
  });
});
