import { afterEach, describe, expect, it } from '@jest/globals';
import type { ServerResponse } from 'node:http';
import {
  ApiProblem,
  createApiClient,
  memoryTokenStore,
  type NotificationEvent,
} from '../src/index.js';
import { readSse } from '../src/sse.js';
import { LocalServer, json, problem, type Received } from './local-server.js';

const TICKET = '/api/v1/notifications/stream-ticket';
const STREAM = '/api/v1/notifications/stream';

const notification = (id: string) => ({
  id,
  type: 'payments.succeeded',
  category: 'payments',
  title: 'Payment received',
  body: 'We received 19.99 USD.',
  readAt: null,
  createdAt: '2026-12-05T12:00:00.000Z',
});

let server: LocalServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

/** The stream endpoints: each connection is answered by the next script, in order. */
async function streamServer(scripts: Array<(res: ServerResponse, req: Received) => void>) {
  let tickets = 0;
  return LocalServer.start((req, res) => {
    if (req.path === TICKET) {
      return json(res, 201, { ticket: `t${++tickets}`, expiresAt: '2026-12-05T12:01:00Z' });
    }
    const script = scripts.shift();
    if (!script) return problem(res, 401, 'invalid-stream-ticket');
    res.writeHead(200, { 'Content-Type': 'text/event-stream' });
    script(res, req);
  });
}

async function collect(events: AsyncGenerator<NotificationEvent>): Promise<NotificationEvent[]> {
  const seen: NotificationEvent[] = [];
  for await (const event of events) seen.push(event);
  return seen;
}

describe('notification stream', () => {
  it('reconnects with a new ticket and Last-Event-ID (signals move neither), and ends on session-revoked', async () => {
    server = await streamServer([
      (res) => {
        res.write('retry: 10\n\n: heartbeat\n\n');
        res.write(`id: 1-0\nevent: notification\ndata: ${JSON.stringify(notification('n1'))}\n\n`);
        res.write('event: sync\ndata: {"cursor":"c5"}\n\n'); // a signal: no id
        res.end('event: unread-count\ndata: {"count":1}\n\n'); // the connection drops
      },
      (res) => {
        res.write(`id: 2-0\nevent: notification\ndata: ${JSON.stringify(notification('n2'))}\n\n`);
        res.end('event: session-revoked\ndata: {}\n\n');
      },
    ]);
    const tokens = memoryTokenStore({ accessToken: 'access', refreshToken: 'refresh' });
    const client = createApiClient({ baseUrl: server.url, tokens });

    const events = await collect(client.notificationEvents());

    expect(events).toEqual([
      { type: 'notification', id: '1-0', notification: notification('n1') },
      { type: 'sync', cursor: 'c5' },
      { type: 'unread-count', count: 1 },
      { type: 'notification', id: '2-0', notification: notification('n2') },
      { type: 'session-revoked' },
    ]);
    const tickets = server.requests('POST', TICKET);
    expect(tickets.map((r) => r.headers.authorization)).toEqual(['Bearer access', 'Bearer access']);
    const streams = server.requests('GET', STREAM);
    expect(streams.map((r) => r.path)).toEqual([`${STREAM}?ticket=t1`, `${STREAM}?ticket=t2`]);
    expect(streams.map((r) => r.headers['last-event-id'])).toEqual([undefined, '1-0']);
  });

  it('resumes from a given lastEventId and stops when the signal aborts', async () => {
    server = await streamServer([
      (res) =>
        res.write(`id: 9-0\nevent: notification\ndata: ${JSON.stringify(notification('n9'))}\n\n`),
    ]);
    const client = createApiClient({ baseUrl: server.url });
    const stop = new AbortController();

    const seen: NotificationEvent[] = [];
    for await (const event of client.notificationEvents({
      lastEventId: '8-0',
      signal: stop.signal,
    })) {
      seen.push(event);
      stop.abort();
    }

    expect(seen).toEqual([{ type: 'notification', id: '9-0', notification: notification('n9') }]);
    expect(server.requests('GET', STREAM)[0]?.headers['last-event-id']).toBe('8-0');
  });

  it('reconnects when the link goes quiet (no heartbeat)', async () => {
    server = await streamServer([
      () => {}, // headers sent, then silence
      (res) => res.end('event: session-revoked\ndata: {}\n\n'),
    ]);
    const client = createApiClient({ baseUrl: server.url });

    const events = await collect(
      client.notificationEvents({ idleTimeoutMs: 100, reconnectDelayMs: 10 }),
    );

    expect(events).toEqual([{ type: 'session-revoked' }]);
    expect(server.requests('GET', STREAM)).toHaveLength(2);
  });

  it('throws the problem when the ticket is refused (signed out)', async () => {
    server = await LocalServer.start((_req, res) => problem(res, 401, 'invalid-refresh-token'));
    const client = createApiClient({ baseUrl: server.url });

    const error = await collect(client.notificationEvents()).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ApiProblem);
    expect(error).toMatchObject({ status: 401 });
  });
});

describe('readSse', () => {
  it('parses CRLF, split chunks, multi-line data, comments and retry', async () => {
    const chunks = [
      'id: 1\r\nevent: a\r',
      '\ndata: x\r\ndata: y\r\n\r\n: ping\n\nre',
      'try: 50\n\n',
    ];
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(new TextEncoder().encode(chunk));
        controller.close();
      },
    });

    const messages = [];
    for await (const message of readSse(body)) messages.push(message);

    expect(messages).toEqual([
      { id: '1', event: 'a', data: 'x\ny', retry: null },
      { id: null, event: 'message', data: '', retry: 50 },
    ]);
  });
});
