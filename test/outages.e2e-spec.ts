import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { pino } from 'pino';
import type request from 'supertest';
import { createHttpApp } from '../src/bootstrap/http-app.js';
import { loadConfigFromEnv } from '../src/config/index.js';
import { startLocalRedis, type LocalRedis } from '../src/redis/local-redis.js';
import { signUp, type SignedUp } from './support/auth.js';
import { FaultProxy } from './support/fault-proxy.js';
import { testAppOf, type TestApp } from './support/test-app.js';
import { waitFor } from './support/wait.js';

/**
 * Guards against a hang, not a speed assertion: before the fixes these requests took 4 to 17 s
 * (Redis) or never ended (a silent PostgreSQL).
 */
const NO_HANG_MS = 3_000;

interface LogLine {
  level: number;
  msg: string;
  dependency?: string;
  [field: string]: unknown;
}

/** The real app whose log lines (debug and up) the test can read. */
async function appWithLogs(env: Record<string, string>): Promise<TestApp & { logs: LogLine[] }> {
  const config = loadConfigFromEnv({ APP_ROLE: 'api', ...env });
  const logs: LogLine[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean))
        logs.push(JSON.parse(line) as LogLine);
      done();
    },
  });
  const app: INestApplication = await createHttpApp(config, pino({ level: 'debug' }, sink));
  return Object.assign(testAppOf(app, config), { logs });
}

const WARN = 40;
const ERROR = 50;

function expectOutageProblem(res: request.Response): void {
  expect(res.status).toBe(503);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.headers['retry-after']).toBe('5');
  expect(res.body).toMatchObject({
    type: 'urn:problem:dependency-unavailable',
    status: 503,
    retryAfter: 5,
    requestId: expect.any(String),
  });
  expect(JSON.stringify(res.body)).not.toMatch(/ECONN|timeout|Stream|at /);
}

describe('with Redis down', () => {
  let redis: LocalRedis;
  let t: TestApp & { logs: LogLine[] };
  let user: SignedUp;
  const dir = join(process.env.TEST_SCRATCH_DIR ?? '/tmp', `redis-${randomUUID()}`);

  beforeAll(async () => {
    redis = await startLocalRedis(dir);
    t = await appWithLogs({ REDIS_URL: redis.url, QUEUE_PREFIX: `outage-${randomUUID()}` });
    user = await signUp(t);
    await redis.stop();
    await waitFor(async () => (await t.http.get('/health/ready')).status === 503, {
      what: 'ready 503',
    });
  });
  afterAll(async () => {
    await t.close();
    await redis.stop();
  }, 90_000);

  it('keeps signed-in reads working: the session check falls back to PostgreSQL', async () => {
    const res = await t.asUser(user).get('/api/v1/users/me').timeout(NO_HANG_MS);
    expect(res.status).toBe(200);
    expect(res.body.id).toBe(user.userId);
  });

  it('keeps sign-up and sign-in working: rate limits fall back to per-process counters', async () => {
    const registered = await t.http
      .post('/api/v1/auth/register')
      .timeout(NO_HANG_MS)
      .send({
        email: `new-${randomUUID()}@example.test`,
        password: `pw ${randomUUID()}`,
        displayName: 'New User',
      });
    expect(registered.status).toBe(202);

    const wrong = await t.http
      .post('/api/v1/auth/login')
      .timeout(NO_HANG_MS)
      .send({ email: user.email, password: 'not the password' });
    expect(wrong.status).toBe(401);

    const signedIn = await t.http
      .post('/api/v1/auth/login')
      .timeout(NO_HANG_MS)
      .send({ email: user.email, password: user.password });
    expect(signedIn.status).toBe(200);
  });

  it('still limits sign-in attempts per account while Redis is away', async () => {
    const email = `victim-${randomUUID()}@example.test`;
    const statuses: number[] = [];
    // The login window allows 30 attempts per account; the in-memory fallback keeps that.
    for (let i = 0; i < 31; i++) {
      const res = await t.http
        .post('/api/v1/auth/login')
        .timeout(NO_HANG_MS)
        .send({ email, password: 'wrong password' });
      statuses.push(res.status);
    }
    expect(statuses.slice(0, 30).every((s) => s === 401)).toBe(true);
    expect(statuses[30]).toBe(429);
  });

  it('answers a write that needs Redis with a 503 problem and Retry-After, at once', async () => {
    const ticket = await t
      .asUser(user)
      .post('/api/v1/notifications/stream-ticket')
      .timeout(NO_HANG_MS);
    expectOutageProblem(ticket);

    const payment = await t
      .asUser(user)
      .post('/api/v1/payments')
      .set('Idempotency-Key', randomUUID())
      .timeout(NO_HANG_MS)
      .send({ amount: 1999, currency: 'usd' });
    expect(payment.status).toBe(503);
    expect(payment.headers['retry-after']).toBeDefined();
  });

  it('logs the outage once per burst, never at error level', async () => {
    const before = t.logs.length;
    for (let i = 0; i < 20; i++) {
      const res = await t
        .asUser(user)
        .post('/api/v1/notifications/stream-ticket')
        .timeout(NO_HANG_MS);
      expect(res.status).toBe(503);
    }
    const lines = t.logs.slice(before);
    expect(lines.filter((l) => l.level >= ERROR)).toEqual([]);
    expect(
      lines.filter((l) => l.level >= WARN && l.dependency === 'redis').length,
    ).toBeLessThanOrEqual(1);
    expect(t.logs.filter((l) => l.dependency === 'redis').length).toBeGreaterThanOrEqual(1);
  });
});

describe('with PostgreSQL unavailable', () => {
  let proxy: FaultProxy;
  let t: TestApp & { logs: LogLine[] };
  let user: SignedUp;

  beforeAll(async () => {
    const database = new URL(process.env.DATABASE_URL ?? '');
    proxy = await FaultProxy.start(Number(database.port), database.hostname);
    database.port = String(proxy.port);
    t = await appWithLogs({
      DATABASE_URL: database.toString(),
      DB_CONNECT_TIMEOUT_MS: '1000',
      DB_STATEMENT_TIMEOUT_MS: '1000',
      DB_QUERY_TIMEOUT_MS: '1500',
    });
    user = await signUp(t);
  });
  afterAll(async () => {
    forward();
    await t.close();
    await proxy.stop();
  });

  function forward(): void {
    proxy.refusing = false;
    proxy.resume();
  }

  async function recovers(): Promise<void> {
    forward();
    await waitFor(
      async () => {
        const res = await t.http
          .post('/api/v1/auth/login')
          .send({ email: user.email, password: user.password });
        return res.status === 200;
      },
      { what: 'login after the database returned', timeoutMs: 15_000 },
    );
  }

  it('answers 503 problem+json with Retry-After when the database refuses connections', async () => {
    proxy.refusing = true;
    proxy.cut();
    const before = t.logs.length;
    for (let i = 0; i < 20; i++) {
      const res = await t.http
        .post('/api/v1/auth/login')
        .timeout(NO_HANG_MS)
        .send({ email: user.email, password: user.password });
      expectOutageProblem(res);
    }
    const lines = t.logs.slice(before);
    expect(lines.filter((l) => l.level >= ERROR)).toEqual([]);
    const outageLines = lines.filter((l) => l.level >= WARN && l.dependency === 'database');
    expect(outageLines).toHaveLength(1);
    expect((await t.http.get('/health/ready').timeout(NO_HANG_MS)).status).toBe(503);
    await recovers();
  });

  it('answers 503 on the prepared-statement paths too (profile, sync read and write)', async () => {
    // Caches the session check in Redis: the requests below then reach their own statements.
    await t.asUser(user).get('/api/v1/users/me').expect(200);
    proxy.refusing = true;
    proxy.cut();
    const before = t.logs.length;
    const me = await t.asUser(user).get('/api/v1/users/me').timeout(NO_HANG_MS);
    expectOutageProblem(me);
    const feed = await t.asUser(user).get('/api/v1/sync/changes').timeout(NO_HANG_MS);
    expectOutageProblem(feed);
    const put = await t
      .asUser(user)
      .put('/api/v1/sync/documents/notes/outage')
      .timeout(NO_HANG_MS)
      .send({ value: 1 });
    expectOutageProblem(put);
    expect(t.logs.slice(before).filter((l) => l.level >= ERROR)).toEqual([]);
    await recovers();
    await t.asUser(user).get('/api/v1/sync/documents/notes/outage').expect(404);
  });

  it('answers a bounded 503 when the database stops answering, and recovers', async () => {
    proxy.stall();
    const read = await t
      .asUser(user)
      .get('/api/v1/users/me')
      .timeout(NO_HANG_MS * 2);
    expectOutageProblem(read);
    const login = await t.http
      .post('/api/v1/auth/login')
      .timeout(NO_HANG_MS * 2)
      .send({ email: user.email, password: user.password });
    expectOutageProblem(login);
    await recovers();
    const after = await t
      .asUser(user)
      .get('/api/v1/users/me')
      .timeout(NO_HANG_MS * 2);
    expect(after.status).toBe(200);
  });
});
