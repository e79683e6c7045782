import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import { REDACTED_PATHS } from './logger.js';
import { currentRequestId } from './request-context.js';
import { requestLogging } from './request-logging.js';

describe('requestLogging', () => {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  const logger = pino({ redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, stream);
  let server: Server;
  let base: string;

  beforeAll(async () => {
    const middleware = requestLogging(logger, { autoLogging: true });
    server = createServer((req, res) =>
      middleware(req, res, () => {
        // The id travels with the async context into the handler.
        const seen = currentRequestId();
        setImmediate(() => {
          res.statusCode = req.url === '/boom' ? 503 : 200;
          res.end(JSON.stringify({ seen }));
        });
      }),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.close();
  });

  const lineFor = async (id: string) => {
    for (let i = 0; i < 100 && !lines.some((l) => l.requestId === id); i++)
      await new Promise((r) => setTimeout(r, 5));
    return lines.find((l) => l.requestId === id);
  };

  it('echoes a safe X-Request-Id, carries it, and writes one short line', async () => {
    const res = await fetch(`${base}/things?x=1`, { headers: { 'X-Request-Id': 'client-42' } });
    expect(res.headers.get('x-request-id')).toBe('client-42');
    expect(await res.json()).toEqual({ seen: 'client-42' });
    expect(await lineFor('client-42')).toMatchObject({
      level: 30,
      msg: 'request completed',
      req: { method: 'GET', url: '/things?x=1' },
      res: { statusCode: 200 },
      responseTime: expect.any(Number),
    });
  });

  it('logs the stream ticket and other secret query parameters redacted', async () => {
    const ticket = 'tkt_9f2c7a0e5b1d4c43';
    await fetch(`${base}/api/v1/notifications/stream?ticket=${ticket}&lastEventId=1-0`, {
      headers: { 'X-Request-Id': 'stream-1' },
    });
    await fetch(`${base}/verify?Token=abc&%74oken=def&x=1&code`, {
      headers: { 'X-Request-Id': 'link-1' },
    });
    const stream = await lineFor('stream-1');
    expect(stream?.req).toEqual({
      method: 'GET',
      url: '/api/v1/notifications/stream?ticket=[redacted]&lastEventId=1-0',
    });
    expect(JSON.stringify(lines)).not.toContain(ticket);
    expect((await lineFor('link-1'))?.req).toEqual({
      method: 'GET',
      url: '/verify?Token=[redacted]&%74oken=[redacted]&x=1&code=[redacted]',
    });
  });

  it('replaces an unsafe id and logs a 5xx access line at info (the error has its own line)', async () => {
    const res = await fetch(`${base}/boom`, { headers: { 'X-Request-Id': 'bad id\twith tab' } });
    const id = res.headers.get('x-request-id') as string;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await lineFor(id)).toMatchObject({
      level: 30,
      msg: 'request completed',
      res: { statusCode: 503 },
    });
  });
});
