import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StripeRequest {
  method: string;
  path: string;
  form: URLSearchParams;
  idempotencyKey: string | undefined;
}

type Reply = { status: number; body: unknown } | 'hang';
/** May answer later (a slow provider, or one that lets the test act before it answers). */
type Handler = (req: StripeRequest) => Reply | Promise<Reply>;

/**
 * A local HTTP server standing in for api.stripe.com (the SDK's host/port/protocol options point
 * at it): records every request and answers through `handler`.
 */
export class FakeStripeApi {
  readonly requests: StripeRequest[] = [];
  handler: Handler = () => ({ status: 500, body: { error: { message: 'no handler' } } });
  port = 0;
  private server: Server;

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  env(): Record<string, string> {
    return {
      STRIPE_API_HOST: '127.0.0.1',
      STRIPE_API_PORT: String(this.port),
      STRIPE_API_PROTOCOL: 'http',
    };
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://x');
    const seen: StripeRequest = {
      method: req.method ?? '',
      path: url.pathname,
      form: new URLSearchParams(Buffer.concat(chunks).toString()),
      idempotencyKey: req.headers['idempotency-key'] as string | undefined,
    };
    this.requests.push(seen);
    const reply = await this.handler(seen);
    if (reply === 'hang') return;
    res.writeHead(reply.status, { 'content-type': 'application/json', 'request-id': 'req_test' });
    res.end(JSON.stringify(reply.body));
  }
}

export function stripeIntent(over: Record<string, unknown> = {}) {
  return {
    id: 'pi_test_1',
    object: 'payment_intent',
    amount: 1999,
    currency: 'usd',
    status: 'requires_payment_method',
    client_secret: 'pi_test_1_secret_abc',
    last_payment_error: null,
    next_action: null,
    latest_charge: null,
    metadata: {},
    ...over,
  };
}
