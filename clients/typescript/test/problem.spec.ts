import { afterEach, describe, expect, it } from '@jest/globals';
import { ApiProblem, createApiClient, ok } from '../src/index.js';
import { LocalServer, json } from './local-server.js';

let server: LocalServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

describe('problem+json errors', () => {
  it('throws an ApiProblem with type, status, requestId, field errors and Retry-After', async () => {
    server = await LocalServer.start((_req, res) =>
      json(
        res,
        400,
        {
          type: 'urn:problem:validation-failed',
          title: 'Bad Request',
          status: 400,
          detail: 'The request body is invalid.',
          requestId: 'req-42',
          errors: [{ field: 'email', message: 'email must be an email' }, { bogus: true }],
        },
        { 'Retry-After': '7' },
      ),
    );
    const client = createApiClient({ baseUrl: server.url });

    const error = await ok(
      client.POST('/api/v1/auth/register', {
        body: { email: 'nope', password: 'long enough password', displayName: 'Ann' },
      }),
    ).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ApiProblem);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({
      name: 'ApiProblem',
      type: 'urn:problem:validation-failed',
      title: 'Bad Request',
      status: 400,
      detail: 'The request body is invalid.',
      requestId: 'req-42',
      errors: [{ field: 'email', message: 'email must be an email' }],
      retryAfterSeconds: 7,
      message: 'Bad Request: The request body is invalid.',
    });
  });

  it('turns an answer that is not a problem into one (about:blank, the status, X-Request-Id)', async () => {
    server = await LocalServer.start((_req, res) => {
      res.writeHead(502, 'Bad Gateway', { 'Content-Type': 'text/html', 'X-Request-Id': 'edge-1' });
      res.end('<html>upstream down</html>');
    });
    const client = createApiClient({ baseUrl: server.url });

    const error = await ok(client.GET('/api/v1/users/me')).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ApiProblem);
    expect(error).toMatchObject({
      type: 'about:blank',
      title: 'Bad Gateway',
      status: 502,
      requestId: 'edge-1',
      errors: [],
    });
  });

  it('returns the data of a 2xx, and undefined for a 204', async () => {
    server = await LocalServer.start((req, res) => {
      if (req.path === '/api/v1/auth/logout') return void res.writeHead(204).end();
      json(res, 200, { count: 3 });
    });
    const client = createApiClient({ baseUrl: server.url });

    await expect(ok(client.GET('/api/v1/notifications/unread-count'))).resolves.toEqual({
      count: 3,
    });
    await expect(ok(client.POST('/api/v1/auth/logout'))).resolves.toBeUndefined();
  });
});
