import { afterEach, describe, expect, it } from '@jest/globals';
import { createApiClient, memoryTokenStore, ok } from '../src/index.js';
import { LocalServer, json, problem, tokenAnswer, type Received } from './local-server.js';

const PAYMENTS = '/api/v1/payments';
const payment = { id: 'f3b1c2d4-0000-4000-8000-000000000001', status: 'requires_confirmation' };
const body = { amount: 1999, currency: 'usd' };

let server: LocalServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

const signedIn = () => memoryTokenStore({ accessToken: 'access', refreshToken: 'refresh' });
const keysOf = (requests: Received[]) => requests.map((r) => r.headers['idempotency-key']);

describe('Idempotency-Key', () => {
  it('generates one key per money POST and none elsewhere', async () => {
    server = await LocalServer.start((req, res) =>
      json(res, 201, req.method === 'GET' ? {} : payment),
    );
    let n = 0;
    const client = createApiClient({
      baseUrl: server.url,
      tokens: signedIn(),
      newIdempotencyKey: () => `key-${++n}`,
    });

    await ok(client.POST(PAYMENTS, { body }));
    await ok(
      client.POST('/api/v1/payments/{id}/confirm', {
        params: { path: { id: payment.id } },
        body: { paymentMethod: 'pm_card_visa' },
      }),
    );
    await client.POST('/api/v1/notifications/read-all');

    expect(keysOf(server.received)).toEqual(['key-1', 'key-2', undefined]);
  });

  it('keeps a key the caller passes (to reuse it after the app restarts)', async () => {
    server = await LocalServer.start((_req, res) => json(res, 201, payment));
    const client = createApiClient({ baseUrl: server.url, tokens: signedIn() });

    await ok(client.POST(PAYMENTS, { body, params: { header: { 'Idempotency-Key': 'mine' } } }));

    expect(keysOf(server.received)).toEqual(['mine']);
  });

  it('retries after 409-in-progress and 503 with Retry-After, with the same key', async () => {
    const answers = [
      (res: Parameters<typeof json>[0]) =>
        problem(res, 409, 'idempotency-in-progress', { 'Retry-After': '0' }),
      (res: Parameters<typeof json>[0]) =>
        problem(res, 503, 'dependency-unavailable', { 'Retry-After': '0' }),
    ];
    server = await LocalServer.start((_req, res) => {
      const answer = answers.shift();
      if (answer) return answer(res);
      json(res, 201, payment);
    });
    const client = createApiClient({ baseUrl: server.url, tokens: signedIn() });

    await expect(ok(client.POST(PAYMENTS, { body }))).resolves.toEqual(payment);

    const keys = keysOf(server.received);
    expect(keys).toHaveLength(3);
    expect(new Set(keys).size).toBe(1);
    expect(server.received.map((r) => r.body)).toEqual(Array(3).fill(JSON.stringify(body)));
  });

  it('retries after the connection dropped, with the same key', async () => {
    let dropped = false;
    server = await LocalServer.start((_req, res) => {
      if (!dropped) {
        dropped = true;
        return void res.socket?.destroy(); // the answer is lost: did the server charge or not?
      }
      json(res, 201, payment);
    });
    const client = createApiClient({ baseUrl: server.url, tokens: signedIn() });

    await expect(ok(client.POST(PAYMENTS, { body }))).resolves.toEqual(payment);

    const keys = keysOf(server.received);
    expect(keys).toHaveLength(2);
    expect(keys[0]).toBe(keys[1]);
  });

  it('reuses the key when the call is retried after a token refresh', async () => {
    server = await LocalServer.start((req, res) => {
      if (req.path === '/api/v1/auth/refresh') return json(res, 200, tokenAnswer('new', 'r2'));
      if (req.headers.authorization !== 'Bearer new') {
        return problem(res, 401, 'unauthenticated', { 'WWW-Authenticate': 'Bearer' });
      }
      json(res, 201, payment);
    });
    const client = createApiClient({ baseUrl: server.url, tokens: signedIn() });

    await ok(client.POST(PAYMENTS, { body }));

    const keys = keysOf(server.requests('POST', PAYMENTS));
    expect(keys).toHaveLength(2);
    expect(keys[0]).toEqual(expect.any(String));
    expect(keys[1]).toBe(keys[0]);
  });

  it('gives up after the configured retries and returns the last answer', async () => {
    server = await LocalServer.start((_req, res) =>
      problem(res, 503, 'dependency-unavailable', { 'Retry-After': '0' }),
    );
    const client = createApiClient({
      baseUrl: server.url,
      tokens: signedIn(),
      retry: { attempts: 1 },
    });

    const { response } = await client.POST(PAYMENTS, { body });

    expect(response.status).toBe(503);
    expect(server.received).toHaveLength(2);
  });
});
