import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import helmet from 'helmet';
import { securityHeaders } from './security-headers.js';

type Middleware = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

function serve(middleware: Middleware): Promise<Server> {
  const server = createServer((req, res) => middleware(req, res, () => res.end('ok')));
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function headersOf(server: Server): Promise<Record<string, string>> {
  const { port } = server.address() as AddressInfo;
  const res = await fetch(`http://127.0.0.1:${port}/`);
  await res.text();
  const headers = Object.fromEntries(res.headers.entries());
  delete headers.date;
  return headers;
}

describe('securityHeaders', () => {
  let original: Server;
  let replayed: Server;
  beforeAll(async () => {
    original = await serve(helmet() as Middleware);
    replayed = await serve(securityHeaders());
  });
  afterAll(() => {
    original.close();
    replayed.close();
  });

  it('sends exactly the headers helmet() sends', async () => {
    const expected = await headersOf(original);
    expect(expected['content-security-policy']).toBeDefined();
    expect(expected['x-content-type-options']).toBe('nosniff');
    expect(await headersOf(replayed)).toEqual(expected);
  });

  it('replays options too', async () => {
    const custom = await serve(securityHeaders({ referrerPolicy: { policy: 'same-origin' } }));
    try {
      expect((await headersOf(custom))['referrer-policy']).toBe('same-origin');
    } finally {
      custom.close();
    }
  });
});
