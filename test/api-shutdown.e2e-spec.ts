import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { freePort } from '../src/common/free-port.js';
import { stripeIntent } from './support/stripe.js';
import { waitFor } from './support/wait.js';

/**
 * A Stripe stand-in whose answer to "create a payment intent" waits until the test releases it:
 * a request that is certainly in flight at SIGTERM, without guessing at timings.
 */
class GatedStripe {
  server: Server;
  port = 0;
  held = 0;
  private release: Array<() => void> = [];

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        this.held++;
        this.release.push(() => {
          res.writeHead(200, { 'content-type': 'application/json', 'request-id': 'req_test' });
          res.end(JSON.stringify(stripeIntent({ id: `pi_${randomUUID()}` })));
        });
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  answerAll(): void {
    for (const answer of this.release.splice(0)) answer();
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

interface Answer {
  status: number;
  headers: IncomingMessage['headers'];
  body: string;
}

function send(
  port: number,
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: unknown } = {},
): Promise<Answer> {
  const body = options.body === undefined ? undefined : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        agent: false,
        // Keep-alive, like a browser or a load balancer: `Connection: close` in an answer is the
        // server's decision.
        headers: {
          connection: 'keep-alive',
          ...(body ? { 'content-type': 'application/json' } : {}),
          ...options.headers,
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** A raw keep-alive connection that has answered one request and now sits idle. */
async function idleKeepAliveSocket(
  port: number,
): Promise<{ socket: Socket; closed: () => boolean }> {
  const socket = connect(port, '127.0.0.1');
  let closed = false;
  socket.on('close', () => (closed = true));
  socket.on('error', () => undefined);
  let received = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => (received += chunk));
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  socket.write('GET /health/live HTTP/1.1\r\nHost: localhost\r\nConnection: keep-alive\r\n\r\n');
  await waitFor(() => received.includes('"status":"ok"'), { what: 'first answer on the socket' });
  return { socket, closed: () => closed };
}

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}

describe('SIGTERM to the api process', () => {
  let stripe: GatedStripe;
  let api: ChildProcess;
  let port: number;
  let output = '';
  let exited: Promise<number | null>;

  beforeAll(async () => {
    stripe = await new GatedStripe().start();
    port = await freePort();
    api = spawn(
      process.execPath,
      ['--import', './test/support/child/register.mjs', 'src/main.ts'],
      {
        env: {
          ...process.env,
          APP_ROLE: 'api',
          PORT: String(port),
          NODE_ENV: 'test',
          LOG_LEVEL: 'warn',
          DB_MIGRATE_ON_BOOT: 'false',
          PAYMENTS_PROVIDER: 'stripe',
          STRIPE_SECRET_KEY: 'sk_test_shutdown',
          STRIPE_WEBHOOK_SECRET: 'whsec_test_shutdown',
          STRIPE_API_HOST: '127.0.0.1',
          STRIPE_API_PORT: String(stripe.port),
          STRIPE_API_PROTOCOL: 'http',
          STRIPE_TIMEOUT_MS: '30000',
          STRIPE_MAX_NETWORK_RETRIES: '0',
          SHUTDOWN_TIMEOUT_MS: '30000',
          SHUTDOWN_READINESS_DELAY_MS: '2000',
          QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}-shutdown`,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    api.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    api.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    exited = new Promise((resolve) => api.once('exit', (code) => resolve(code)));
    // Compiling the sources on the fly takes a while on a busy machine.
    await waitFor(
      async () => (await send(port, 'GET', '/health/ready').catch(() => null))?.status === 200,
      { what: `api ready (output: ${output})`, timeoutMs: 80_000, intervalMs: 200 },
    );
  }, 90_000);

  afterAll(async () => {
    if (api.exitCode === null) api.kill('SIGKILL');
    await stripe.stop();
  });

  it('drains: readiness 503, idle sockets closed, in-flight answered with Connection: close, new connections refused, exit 0', async () => {
    const email = `shutdown-${randomUUID()}@example.test`;
    const password = `pw ${randomUUID()}`;
    const registered = await send(port, 'POST', '/api/v1/auth/register', {
      body: { email, password, displayName: 'Shutdown' },
    });
    expect(registered.status).toBe(202);
    const login = await send(port, 'POST', '/api/v1/auth/login', { body: { email, password } });
    expect(login.status).toBe(200);
    const { accessToken } = JSON.parse(login.body) as { accessToken: string };

    const idle = await idleKeepAliveSocket(port);
    const inFlight = send(port, 'POST', '/api/v1/payments', {
      headers: { authorization: `Bearer ${accessToken}`, 'idempotency-key': randomUUID() },
      body: { amount: 1999, currency: 'usd' },
    });
    await waitFor(() => stripe.held === 1, { what: 'the payment waiting on the provider' });

    api.kill('SIGTERM');
    // Readiness is asked on a new connection, during SHUTDOWN_READINESS_DELAY_MS: the instance
    // says it is going away while PostgreSQL and Redis are still up and requests still served.
    const ready = await waitFor(
      async () => {
        const res = await send(port, 'GET', '/health/ready');
        const body = JSON.parse(res.body) as { status?: string };
        return res.status === 503 && body.status === 'shutting_down' ? res : null;
      },
      { what: 'readiness 503 shutting_down' },
    );
    expect(ready.headers.connection).toBe('close');
    const me = await send(port, 'GET', '/api/v1/users/me', {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    expect(me.status).toBe(200);
    expect(me.headers.connection).toBe('close');
    await waitFor(() => idle.closed(), { what: 'the idle keep-alive socket closed' });
    await waitFor(() => refused(port), { what: 'new connections refused' });

    stripe.answerAll();
    const answer = await inFlight;
    expect(answer.status).toBe(201);
    expect(answer.headers.connection).toBe('close');
    expect(JSON.parse(answer.body)).toMatchObject({ amount: 1999, currency: 'usd' });
    expect(await exited).toBe(0);
  }, 30_000);
});
