import { generateKeyPairSync } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FcmSend {
  path: string;
  auth: string;
  body: { message: Record<string, unknown> };
}

/**
 * Google's OAuth token endpoint and the FCM v1 send endpoint, on one local HTTP server: records
 * every send and answers UNREGISTERED for the device tokens in `unregistered`.
 */
export class FakeFcm {
  readonly sends: FcmSend[] = [];
  tokenRequests = 0;
  readonly unregistered = new Set<string>();
  url = '';
  private readonly server: Server = createServer((req, res) => this.handle(req, res));

  async start(): Promise<this> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** The app's push settings: a fresh service account whose token endpoint is this server. */
  env(): Record<string, string> {
    const { privateKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    const serviceAccount = {
      project_id: 'demo',
      client_email: 'push@demo.iam.gserviceaccount.com',
      private_key: privateKey,
      token_uri: `${this.url}/token`,
    };
    return { FCM_SERVICE_ACCOUNT_JSON: JSON.stringify(serviceAccount), FCM_BASE_URL: this.url };
  }

  stop(): Promise<void> {
    return new Promise((r) => this.server.close(() => r()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      if (req.url === '/token') {
        this.tokenRequests++;
        res.end(JSON.stringify({ access_token: 'fake-access-token', expires_in: 3600 }));
        return;
      }
      const body = JSON.parse(raw);
      this.sends.push({ path: req.url ?? '', auth: req.headers.authorization ?? '', body });
      if (this.unregistered.has(body.message.token)) {
        res.statusCode = 404;
        res.end(JSON.stringify(UNREGISTERED));
        return;
      }
      res.end(JSON.stringify({ name: `projects/demo/messages/${this.sends.length}` }));
    });
  }
}

/** FCM's answer for a device token that no longer exists. */
const UNREGISTERED = {
  error: {
    code: 404,
    status: 'NOT_FOUND',
    message: 'Requested entity was not found.',
    details: [
      {
        '@type': 'type.googleapis.com/google.firebase.fcm.v1.FcmError',
        errorCode: 'UNREGISTERED',
      },
    ],
  },
};
