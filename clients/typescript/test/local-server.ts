import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export type Handler = (req: Received, res: ServerResponse) => void | Promise<void>;

/**
 * A real HTTP server on 127.0.0.1 standing in for the API: the SDK talks to it over the network
 * with the platform's fetch, nothing of the client is replaced. Records every request in order.
 */
export class LocalServer {
  readonly received: Received[] = [];
  /** Requests and other happenings (e.g. token stores), in the order they happened. */
  readonly log: string[] = [];
  url = '';
  private readonly server: Server;

  private constructor(handler: Handler) {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const received: Received = {
          method: req.method ?? '',
          path: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        };
        this.received.push(received);
        this.log.push(`${received.method} ${received.path} ${req.headers.authorization ?? '-'}`);
        Promise.resolve(handler(received, res)).catch((error: unknown) => {
          res.destroy(error instanceof Error ? error : new Error(String(error)));
        });
      });
    });
  }

  static async start(handler: Handler): Promise<LocalServer> {
    const local = new LocalServer(handler);
    await new Promise<void>((resolve) => local.server.listen(0, '127.0.0.1', resolve));
    const { port } = local.server.address() as AddressInfo;
    local.url = `http://127.0.0.1:${port}`;
    return local;
  }

  requests(method: string, path: string): Received[] {
    return this.received.filter((r) => r.method === method && r.path.startsWith(path));
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

export function json(res: ServerResponse, status: number, body: unknown, headers = {}): void {
  const type = status >= 400 ? 'application/problem+json' : 'application/json';
  res.writeHead(status, { 'Content-Type': type, ...headers });
  res.end(JSON.stringify(body));
}

export function problem(
  res: ServerResponse,
  status: number,
  slug: string,
  headers: Record<string, string> = {},
): void {
  const body = { type: `urn:problem:${slug}`, title: slug, status, requestId: `req-${slug}` };
  json(res, status, body, headers);
}

/** A login/refresh answer for this pair. */
export function tokenAnswer(accessToken: string, refreshToken: string): object {
  const user = { id: '0b9a1f0e-1d1c-4a55-9b1e-1f2a3b4c5d6e', email: 'ann@example.test' };
  return { accessToken, refreshToken, expiresIn: 900, tokenType: 'Bearer', user };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
