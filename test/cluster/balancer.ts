import { request as httpRequest, createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Methods a load balancer may send again after the request reached an instance and no answer
 * came: the idempotent ones of RFC 9110 §9.2.2. nginx's `proxy_next_upstream` (and HAProxy's
 * `retry-on`) do the same; POST and PATCH are never re-sent once sent.
 */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);
/** Connection errors that happen before a byte of the request left: safe to retry any method. */
const NOT_SENT = new Set(['ECONNREFUSED']);
const HEALTH_EVERY_MS = 100;

export interface Upstream {
  /** Port of an api instance on 127.0.0.1; null while it is down. */
  port: number | null;
  ready: boolean;
}

export interface BalancerCounts {
  requests: number;
  /** Requests sent again to another instance. */
  retries: number;
  /** Requests answered 502 by the balancer (no instance answered). */
  failed: number;
}

/**
 * A small round-robin HTTP load balancer in front of the api instances, behaving as nginx's
 * defaults do: a new upstream connection per request (`Connection: close`, no upstream
 * keep-alive), `X-Forwarded-For` appended (the app runs with TRUST_PROXY=1), instances taken out
 * of rotation while `/health/ready` is not 200 (an active health check, like a Kubernetes
 * Service dropping a pod whose readiness probe fails), and a failed attempt retried on the next
 * instance only when nothing was sent (connect refused) or the method is idempotent.
 */
export class Balancer {
  readonly counts: BalancerCounts = { requests: 0, retries: 0, failed: 0 };
  private next = 0;
  private timer: NodeJS.Timeout | null = null;

  private constructor(
    private readonly server: Server,
    readonly upstreams: Upstream[],
  ) {}

  static async start(ports: number[]): Promise<Balancer> {
    const upstreams = ports.map((port) => ({ port, ready: true }));
    let balancer: Balancer | null = null;
    const server = createServer((req, res) => {
      void balancer?.handle(req).then(
        ({ status, headers, body }) => {
          res.writeHead(status, headers);
          res.end(body);
        },
        () => res.writeHead(502).end(),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    balancer = new Balancer(server, upstreams);
    balancer.timer = setInterval(() => void balancer?.checkHealth(), HEALTH_EVERY_MS);
    return balancer;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async checkHealth(): Promise<void> {
    await Promise.all(
      this.upstreams.map(async (u) => {
        if (u.port === null) return void (u.ready = false);
        try {
          const res = await fetch(`http://127.0.0.1:${u.port}/health/ready`, {
            signal: AbortSignal.timeout(1000),
          });
          await res.arrayBuffer();
          u.ready = res.status === 200;
        } catch {
          u.ready = false;
        }
      }),
    );
  }

  /** The instances to try, in round-robin order; the ready ones first. */
  private order(): Upstream[] {
    const start = this.next++;
    const rotated = this.upstreams.map(
      (_, i) => this.upstreams[(start + i) % this.upstreams.length],
    );
    const live = rotated.filter((u): u is Upstream => u !== undefined && u.port !== null);
    return [...live.filter((u) => u.ready), ...live.filter((u) => !u.ready)];
  }

  private async handle(req: IncomingMessage): Promise<Answer> {
    this.counts.requests++;
    const body = await readBody(req);
    const candidates = this.order();
    for (const [i, upstream] of candidates.entries()) {
      if (i > 0) this.counts.retries++;
      try {
        return await forward(req, body, upstream.port as number);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? '';
        const retryable = NOT_SENT.has(code) || IDEMPOTENT.has(req.method ?? '');
        if (!retryable) break;
      }
    }
    this.counts.failed++;
    return { status: 502, headers: {}, body: Buffer.alloc(0) };
  }
}

interface Answer {
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'host']);

function forward(req: IncomingMessage, body: Buffer, port: number): Promise<Answer> {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
  }
  const client = req.socket.remoteAddress ?? '127.0.0.1';
  headers['x-forwarded-for'] = req.headers['x-forwarded-for']
    ? `${String(req.headers['x-forwarded-for'])}, ${client}`
    : client;
  headers.connection = 'close';
  headers['content-length'] = String(body.length);
  return new Promise((resolve, reject) => {
    const upstream = httpRequest(
      { host: '127.0.0.1', port, method: req.method, path: req.url, headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const out: Record<string, string | string[]> = {};
          for (const [name, value] of Object.entries(res.headers)) {
            if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
          }
          resolve({ status: res.statusCode ?? 502, headers: out, body: Buffer.concat(chunks) });
        });
      },
    );
    upstream.setTimeout(30_000, () => upstream.destroy(new Error('upstream timeout')));
    upstream.on('error', reject);
    upstream.end(body);
  });
}
