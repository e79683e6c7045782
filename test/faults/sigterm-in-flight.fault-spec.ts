import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { eventually, mailCounts, report, sleep, Stack } from './stack.js';
import { StripeSim } from './stripe-sim.js';

// 6. SIGTERM to the api during in-flight requests (payments against a slow provider): they
// complete, new connections are refused, exit 0 within the grace period; SIGTERM to the worker
// mid-job: the job completes once.
const PROVIDER_DELAY_MS = 3000;
let s: Stack;
let sim: StripeSim;

beforeAll(async () => {
  sim = await new StripeSim().start();
  s = await Stack.start({ stripe: sim.api, env: { STRIPE_TIMEOUT_MS: '20000' } });
});

afterAll(async () => {
  await s?.stop();
  await sim?.stop();
});

interface RawAnswer {
  status: number;
  connection: string | null;
  body: string;
  error: string | null;
}

/** node:http, so that the `Connection` header and a refused connection are visible as such. */
function raw(
  url: string,
  opts: {
    method?: string;
    body?: unknown;
    headers?: Record<string, string>;
    agent?: Agent | false;
  },
): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body);
    const req = request(
      url,
      {
        method: opts.method ?? 'GET',
        agent: opts.agent ?? false,
        timeout: 20_000,
        headers: { ...(payload ? { 'content-type': 'application/json' } : {}), ...opts.headers },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            connection: (res.headers.connection as string | undefined) ?? null,
            body,
            error: null,
          }),
        );
      },
    );
    req.on('timeout', () => req.destroy(new Error('client timeout')));
    req.on('error', (e: NodeJS.ErrnoException) =>
      resolve({ status: 0, connection: null, body: '', error: e.code ?? e.message }),
    );
    req.end(payload);
  });
}

it('worker: SIGTERM mid-send finishes the job, and its mail is sent once', async () => {
  s.smtp.delayMs = 2500; // every send is in flight for a while
  const expected = await s.seedWelcomeNotifications(3);
  const sending = await eventually(async () => {
    const rows = await s.sql(`SELECT 1 FROM notification_deliveries WHERE status = 'sending'`);
    return rows.length > 0;
  }, 20_000);
  expect(sending).toBe(true);
  const worker = s.worker;
  worker?.kill('SIGTERM');
  const exit = await worker?.waitExit(20_000);
  const mailsAtExit = s.smtp.mails.length;
  // Whatever was left queued is for the next worker.
  await s.startWorker();
  await eventually(() => s.smtp.mails.length >= 3, 30_000);
  await sleep(4000); // a resend after the send lease would show here
  const rows = await s.sql<{ status: string; n: number }>(
    `SELECT status, count(*)::int AS n FROM notification_deliveries WHERE channel = 'email' GROUP BY status`,
  );
  const counts = {
    workerExit: exit,
    mailsAtExit,
    deliveries: Object.fromEntries(rows.map((r) => [r.status, r.n])),
    ...mailCounts(s.smtp.mails, expected),
  };
  report('6b SIGTERM to the worker mid-job', counts);
  s.smtp.delayMs = 0;
  expect(exit?.code).toBe(0);
  expect(mailsAtExit).toBeGreaterThan(0);
  expect(counts).toMatchObject({ mails: 3, duplicates: 0, missing: 0, deliveries: { sent: 3 } });
});

it('api: SIGTERM lets in-flight payments finish, refuses new connections, exits 0', async () => {
  const user = await s.signUp();
  const payments: string[] = [];
  for (let n = 0; n < 4; n++) {
    const created = await s.call('POST', '/api/v1/payments', {
      token: user.token,
      headers: { 'idempotency-key': randomUUID() },
      body: { amount: 1500 + n, currency: 'usd' },
    });
    expect(created.status).toBe(201);
    payments.push(String(created.body?.id));
  }
  sim.confirmDelayMs = PROVIDER_DELAY_MS;
  // Keep-alive clients, as browsers and mobile SDKs are.
  const agent = new Agent({ keepAlive: true });
  const inFlight = payments.map((id) =>
    raw(`${s.api.url}/api/v1/payments/${id}/confirm`, {
      method: 'POST',
      agent,
      body: { paymentMethod: 'pm_card_visa' },
      headers: { authorization: `Bearer ${user.token}`, 'idempotency-key': randomUUID() },
    }),
  );
  expect(await eventually(() => sim.confirmRequests >= payments.length, 15_000, 20)).toBe(true);
  s.api.kill('SIGTERM');

  // New connections while it drains and after.
  const probes: RawAnswer[] = [];
  await sleep(300);
  while (s.api.running && probes.length < 100) {
    probes.push(await raw(`${s.api.url}/health/live`, {}));
    await sleep(200);
  }
  const answers = await Promise.all(inFlight);
  const exit = await s.api.waitExit(20_000);
  agent.destroy();
  const counts = {
    inFlight: answers.map((a) => a.status || a.error),
    inFlightConnectionHeader: answers.map((a) => a.connection),
    probes: probes.length,
    probesRefused: probes.filter((p) => p.error === 'ECONNREFUSED').length,
    probesAnswered: probes.filter((p) => p.status !== 0).map((p) => p.status),
    probesOther: probes
      .filter((p) => p.status === 0 && p.error !== 'ECONNREFUSED')
      .map((p) => p.error),
    providerCharges: sim.charges,
    apiExit: exit,
  };
  report('6a SIGTERM to the api during in-flight payments', counts);
  expect(answers.map((a) => a.status)).toEqual(payments.map(() => 200));
  expect(answers.every((a) => a.connection === 'close')).toBe(true);
  expect(probes.every((p) => p.error === 'ECONNREFUSED' || p.status === 503)).toBe(true);
  expect(exit?.code).toBe(0);
  expect(sim.charges).toBe(payments.length);
});
