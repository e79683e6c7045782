import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { generateKeyPairSync } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeProtectedHeader, jwtVerify } from 'jose';
import { ManualClock } from '../../../common/clock.js';
import {
  FCM_SCOPE,
  FcmHttpError,
  FcmPushTransport,
  LogPushTransport,
  PermanentDeliveryError,
  PushTokenUnregisteredError,
  parseServiceAccount,
} from './push.transport.js';
import type { PushMessage, ServiceAccount } from './push.transport.js';

interface Recorded {
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** One local server playing Google's OAuth token endpoint and the FCM v1 API. */
class FakeGoogle {
  readonly tokenRequests: Recorded[] = [];
  readonly sends: Recorded[] = [];
  fcmReply: Reply = { status: 200, body: { name: 'projects/demo-project/messages/1' } };
  private issued = 0;
  private server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const seen = {
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      };
      const reply = this.answer(seen);
      res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
      res.end(JSON.stringify(reply.body));
    });
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private answer(seen: Recorded): Reply {
    if (seen.path === '/token') {
      this.tokenRequests.push(seen);
      this.issued += 1;
      return {
        status: 200,
        body: { access_token: `access-${this.issued}`, expires_in: 3600, token_type: 'Bearer' },
      };
    }
    if (seen.path === '/v1/projects/demo-project/messages:send') {
      this.sends.push(seen);
      return this.fcmReply;
    }
    return { status: 404, body: { error: { message: 'no such route' } } };
  }
}

const message: PushMessage = {
  token: 'device-token-abc',
  platform: 'ios',
  title: 'Payment received',
  body: '$19.99 for Pro plan',
  data: { notificationId: 'n-1', type: 'payments.succeeded' },
};

function unregistered(): Reply {
  return {
    status: 404,
    body: {
      error: {
        code: 404,
        message: 'Requested entity was not found.',
        status: 'NOT_FOUND',
        details: [
          {
            '@type': 'type.googleapis.com/google.firebase.fcm.v1.FcmError',
            errorCode: 'UNREGISTERED',
          },
        ],
      },
    },
  };
}

function invalidArgument(field: string, description: string): Reply {
  return {
    status: 400,
    body: {
      error: {
        code: 400,
        message: `Request contains an invalid argument.`,
        status: 'INVALID_ARGUMENT',
        details: [
          {
            '@type': 'type.googleapis.com/google.firebase.fcm.v1.FcmError',
            errorCode: 'INVALID_ARGUMENT',
          },
          {
            '@type': 'type.googleapis.com/google.rpc.BadRequest',
            fieldViolations: [{ field, description }],
          },
        ],
      },
    },
  };
}

async function errorOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the send to fail');
}

describe('FcmPushTransport', () => {
  const google = new FakeGoogle();
  let publicKey: KeyObject;
  let credentials: ServiceAccount;
  let baseUrl: string;

  beforeAll(async () => {
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    publicKey = pair.publicKey;
    baseUrl = await google.start();
    credentials = parseServiceAccount(
      JSON.stringify({
        type: 'service_account',
        project_id: 'demo-project',
        private_key_id: 'key-1',
        private_key: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
        client_email: 'fcm@demo-project.iam.gserviceaccount.com',
        token_uri: `${baseUrl}/token`,
      }),
    );
  });
  afterAll(() => google.stop());

  function transport(clock = new ManualClock()) {
    return new FcmPushTransport({ credentials, clock, baseUrl });
  }

  it('gets a token with a signed assertion, then sends the message with it', async () => {
    const clock = new ManualClock(new Date('2026-02-01T12:00:00Z'));
    const before = google.tokenRequests.length;
    const result = await transport(clock).send(message);
    expect(result).toEqual({ messageId: 'projects/demo-project/messages/1' });

    const tokenRequest = google.tokenRequests.at(-1)!;
    expect(google.tokenRequests).toHaveLength(before + 1);
    expect(tokenRequest.headers['content-type']).toBe('application/x-www-form-urlencoded');
    const form = new URLSearchParams(tokenRequest.body);
    expect(form.get('grant_type')).toBe('urn:ietf:params:oauth:grant-type:jwt-bearer');
    const assertion = form.get('assertion')!;
    expect(decodeProtectedHeader(assertion)).toEqual({ alg: 'RS256', typ: 'JWT', kid: 'key-1' });
    const { payload } = await jwtVerify(assertion, publicKey, {
      issuer: credentials.client_email,
      audience: credentials.token_uri,
      currentDate: clock.now(),
    });
    const iat = Date.parse('2026-02-01T12:00:00Z') / 1000;
    expect(payload).toEqual({
      scope: FCM_SCOPE,
      iss: credentials.client_email,
      aud: credentials.token_uri,
      iat,
      exp: iat + 3600,
    });

    const send = google.sends.at(-1)!;
    expect(send.headers.authorization).toBe(`Bearer access-${google.tokenRequests.length}`);
    expect(send.headers['content-type']).toBe('application/json');
    expect(JSON.parse(send.body)).toEqual({
      message: {
        token: 'device-token-abc',
        notification: { title: 'Payment received', body: '$19.99 for Pro plan' },
        data: { notificationId: 'n-1', type: 'payments.succeeded' },
        apns: { payload: { aps: { sound: 'default' } } },
      },
    });
  });

  it('reuses the token until shortly before it expires, then fetches a new one', async () => {
    const clock = new ManualClock(new Date('2026-02-01T12:00:00Z'));
    const fcm = transport(clock);
    const before = google.tokenRequests.length;
    await fcm.send(message);
    clock.advance(30 * 60_000);
    await fcm.send({ ...message, platform: 'android' });
    expect(google.tokenRequests).toHaveLength(before + 1);
    const firstToken = google.sends.at(-1)!.headers.authorization;

    clock.advance(26 * 60_000); // 56 minutes in: inside the refresh margin of a 60-minute token
    await fcm.send(message);
    expect(google.tokenRequests).toHaveLength(before + 2);
    expect(google.sends.at(-1)!.headers.authorization).not.toBe(firstToken);
  });

  it('asks for one token when sends start together', async () => {
    const fcm = transport();
    const before = google.tokenRequests.length;
    await Promise.all([fcm.send(message), fcm.send(message), fcm.send(message)]);
    expect(google.tokenRequests).toHaveLength(before + 1);
  });

  it('omits the iOS sound block on other platforms', async () => {
    await transport().send({ token: 't', platform: 'web', title: 'Hi', body: 'There' });
    expect(JSON.parse(google.sends.at(-1)!.body)).toEqual({
      message: { token: 't', notification: { title: 'Hi', body: 'There' } },
    });
  });

  describe('when FCM refuses', () => {
    const fcm = () => transport();
    afterAll(() => {
      google.fcmReply = { status: 200, body: { name: 'projects/demo-project/messages/1' } };
    });

    it('reports UNREGISTERED as an unregistered token', async () => {
      google.fcmReply = unregistered();
      const error = await errorOf(fcm().send(message));
      expect(error).toBeInstanceOf(PushTokenUnregisteredError);
      expect(error).toBeInstanceOf(PermanentDeliveryError);
    });

    it('reports an invalid token argument as an unregistered token', async () => {
      google.fcmReply = invalidArgument('message.token', 'Invalid registration token');
      expect(await errorOf(fcm().send(message))).toBeInstanceOf(PushTokenUnregisteredError);
    });

    it('reports another invalid argument as permanent but keeps the device', async () => {
      google.fcmReply = invalidArgument('message.data', 'Payload too large');
      const error = await errorOf(fcm().send(message));
      expect(error).toBeInstanceOf(PermanentDeliveryError);
      expect(error).not.toBeInstanceOf(PushTokenUnregisteredError);
    });

    it.each([
      [429, 'QUOTA_EXCEEDED', '30', 30],
      [503, 'UNAVAILABLE', undefined, null],
      [500, 'INTERNAL', undefined, null],
    ])('leaves %d %s transient', async (status, errorCode, retryAfter, expected) => {
      google.fcmReply = {
        status,
        body: { error: { code: status, message: 'try later', status: errorCode } },
        headers: retryAfter ? { 'retry-after': retryAfter } : {},
      };
      const error = await errorOf(fcm().send(message));
      expect(error).not.toBeInstanceOf(PermanentDeliveryError);
      expect(error).toBeInstanceOf(FcmHttpError);
      expect(error).toMatchObject({ status, errorCode, retryAfterSeconds: expected });
    });

    it('drops a token FCM rejects with 401 so the retry signs a new one', async () => {
      const transportUnderTest = fcm();
      google.fcmReply = { status: 401, body: { error: { status: 'UNAUTHENTICATED' } } };
      const before = google.tokenRequests.length;
      expect(await errorOf(transportUnderTest.send(message))).toBeInstanceOf(FcmHttpError);
      google.fcmReply = { status: 200, body: { name: 'projects/demo-project/messages/2' } };
      await transportUnderTest.send(message);
      expect(google.tokenRequests).toHaveLength(before + 2);
    });
  });

  it('rejects a service account without a private key', () => {
    expect(() =>
      parseServiceAccount('{"project_id":"p","client_email":"e","token_uri":"u"}'),
    ).toThrow(/private_key/);
  });
});

describe('LogPushTransport', () => {
  it('logs the push with only the tail of the token', async () => {
    const lines: { obj: object; msg: string }[] = [];
    const { messageId } = await new LogPushTransport({
      info: (obj, msg) => lines.push({ obj, msg }),
    }).send({ ...message, token: 'secret-prefix-12345678' });
    expect(lines).toHaveLength(1);
    expect(JSON.stringify(lines[0])).not.toContain('secret-prefix');
    expect(lines[0]!.obj).toMatchObject({
      push: { messageId, token: '…12345678', title: 'Payment received' },
    });
  });
});
