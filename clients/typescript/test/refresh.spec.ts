import { afterEach, describe, expect, it } from '@jest/globals';
import { ApiProblem, createApiClient, memoryTokenStore, ok, type TokenPair } from '../src/index.js';
import { LocalServer, json, problem, sleep, tokenAnswer, type Handler } from './local-server.js';

const ME = '/api/v1/users/me';
const REFRESH = '/api/v1/auth/refresh';
const me = { id: '0b9a1f0e-1d1c-4a55-9b1e-1f2a3b4c5d6e', email: 'ann@example.test' };

let server: LocalServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

/** The API as far as these tests need it: `new-access` is the only valid access token. */
function api(overrides: { refresh?: Handler; me?: Handler } = {}): Handler {
  return async (req, res) => {
    if (req.path === REFRESH) {
      if (overrides.refresh) return overrides.refresh(req, res);
      await sleep(50); // long enough for every refused request to be waiting on it
      return json(res, 200, tokenAnswer('new-access', 'new-refresh'));
    }
    if (overrides.me) return overrides.me(req, res);
    if (req.headers.authorization === 'Bearer new-access') return json(res, 200, me);
    problem(res, 401, 'unauthenticated', { 'WWW-Authenticate': 'Bearer realm="api"' });
  };
}

/** A store that writes each change into the server's log, to order it against requests. */
function loggingStore(initial: TokenPair | null) {
  const inner = memoryTokenStore(initial);
  return {
    get: () => inner.get(),
    set: async (pair: TokenPair | null) => {
      await sleep(10); // secure storage is asynchronous; retries must wait for it
      server?.log.push(`stored ${pair ? pair.accessToken : 'nothing'}`);
      await inner.set(pair);
    },
  };
}

describe('refresh on 401', () => {
  it('sends one refresh for ten concurrent 401s and stores the new pair before any retry', async () => {
    server = await LocalServer.start(api());
    const tokens = loggingStore({ accessToken: 'old-access', refreshToken: 'old-refresh' });
    const client = createApiClient({ baseUrl: server.url, tokens });

    const answers = await Promise.all(Array.from({ length: 10 }, () => ok(client.GET(ME))));

    expect(answers).toEqual(Array.from({ length: 10 }, () => me));
    const refreshes = server.requests('POST', REFRESH);
    expect(refreshes).toHaveLength(1);
    expect(JSON.parse(refreshes[0]?.body ?? '')).toEqual({ refreshToken: 'old-refresh' });
    expect(await tokens.get()).toEqual({ accessToken: 'new-access', refreshToken: 'new-refresh' });
    const stored = server.log.indexOf('stored new-access');
    const retries = server.log.flatMap((line, i) =>
      line.endsWith('Bearer new-access') ? [i] : [],
    );
    expect(retries).toHaveLength(10);
    expect(stored).toBeGreaterThan(server.log.indexOf(`POST ${REFRESH} -`));
    expect(Math.min(...retries)).toBeGreaterThan(stored);
  });

  it('retries a 401 that arrives after the refresh finished with the new pair, refreshing nothing', async () => {
    let releaseLate: () => void = () => {};
    const late = new Promise<void>((resolve) => (releaseLate = resolve));
    let seen = 0;
    server = await LocalServer.start(
      api({
        me: async (req, res) => {
          if (req.headers.authorization === 'Bearer new-access') return json(res, 200, me);
          // The second request sent with the old token is refused only after the refresh.
          if (++seen === 2) await late;
          problem(res, 401, 'unauthenticated', { 'WWW-Authenticate': 'Bearer' });
        },
      }),
    );
    const tokens = memoryTokenStore({ accessToken: 'old-access', refreshToken: 'old-refresh' });
    const client = createApiClient({ baseUrl: server.url, tokens });

    const first = ok(client.GET(ME));
    const second = ok(client.GET(ME));
    await expect(first).resolves.toEqual(me);
    releaseLate();
    await expect(second).resolves.toEqual(me);
    expect(server.requests('POST', REFRESH)).toHaveLength(1);
  });

  it('signs out when the refresh token is refused: store cleared, hook called once, 401 thrown', async () => {
    server = await LocalServer.start(
      api({ refresh: (_req, res) => problem(res, 401, 'invalid-refresh-token') }),
    );
    const tokens = memoryTokenStore({ accessToken: 'old-access', refreshToken: 'old-refresh' });
    let ended = 0;
    const client = createApiClient({
      baseUrl: server.url,
      tokens,
      onSessionEnded: () => void ended++,
    });

    const results = await Promise.allSettled([ok(client.GET(ME)), ok(client.GET(ME))]);

    for (const result of results) {
      expect(result.status).toBe('rejected');
      const reason: unknown = result.status === 'rejected' ? result.reason : null;
      expect(reason).toBeInstanceOf(ApiProblem);
      expect(reason).toMatchObject({ status: 401, type: 'urn:problem:unauthenticated' });
    }
    expect(server.requests('POST', REFRESH)).toHaveLength(1);
    expect(await tokens.get()).toBeNull();
    expect(ended).toBe(1);
  });

  it('answers with the refresh’s own problem when it failed otherwise (503), keeping the pair', async () => {
    server = await LocalServer.start(
      api({
        refresh: (_req, res) => problem(res, 503, 'dependency-unavailable', { 'Retry-After': '5' }),
      }),
    );
    const pair = { accessToken: 'old-access', refreshToken: 'old-refresh' };
    const client = createApiClient({ baseUrl: server.url, tokens: memoryTokenStore(pair) });

    const error = await ok(client.GET(ME)).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ApiProblem);
    expect(error).toMatchObject({
      status: 503,
      type: 'urn:problem:dependency-unavailable',
      retryAfterSeconds: 5,
    });
    expect(await client.tokens.get()).toEqual(pair);
  });

  it('does not refresh for a 401 that is about credentials, not the token', async () => {
    server = await LocalServer.start((req, res) => {
      if (req.path === REFRESH) return json(res, 200, tokenAnswer('x', 'y'));
      problem(res, 401, 'invalid-credentials');
    });
    const tokens = memoryTokenStore({ accessToken: 'old-access', refreshToken: 'old-refresh' });
    const client = createApiClient({ baseUrl: server.url, tokens });

    const { error, response } = await client.POST('/api/v1/auth/login', {
      body: { email: 'ann@example.test', password: 'wrong password' },
    });

    expect(response.status).toBe(401);
    expect(error?.type).toBe('urn:problem:invalid-credentials');
    expect(server.requests('POST', REFRESH)).toHaveLength(0);
  });

  it('keeps the pair from login and refresh, and forgets it after logout', async () => {
    server = await LocalServer.start((req, res) => {
      if (req.path === '/api/v1/auth/login') return json(res, 200, tokenAnswer('a1', 'r1'));
      if (req.path === REFRESH) return json(res, 200, tokenAnswer('a2', 'r2'));
      res.writeHead(204).end();
    });
    const client = createApiClient({ baseUrl: server.url });

    await ok(client.POST('/api/v1/auth/login', { body: { email: 'a@b.test', password: 'pw' } }));
    expect(await client.tokens.get()).toEqual({ accessToken: 'a1', refreshToken: 'r1' });
    expect(await client.refresh()).toEqual({ accessToken: 'a2', refreshToken: 'r2' });
    expect(server.requests('POST', REFRESH)[0]?.body).toBe('{"refreshToken":"r1"}');
    await ok(client.POST('/api/v1/auth/logout'));
    expect(server.requests('POST', '/api/v1/auth/logout')[0]?.headers.authorization).toBe(
      'Bearer a2',
    );
    expect(await client.tokens.get()).toBeNull();
  });

  it('keeps no pair from a login that needs MFA, the pair from the challenge, and a step-up token', async () => {
    server = await LocalServer.start((req, res) => {
      if (req.path === '/api/v1/auth/login') {
        return json(res, 200, {
          mfaRequired: true,
          mfaToken: 'm',
          expiresIn: 300,
          methods: ['otp'],
        });
      }
      if (req.path === '/api/v1/auth/mfa/challenge') return json(res, 200, tokenAnswer('a1', 'r1'));
      if (req.path === '/api/v1/auth/mfa/step-up') {
        return json(res, 200, { accessToken: 'a2', expiresIn: 900, tokenType: 'Bearer' });
      }
      res.writeHead(204).end();
    });
    const client = createApiClient({ baseUrl: server.url });

    await ok(client.POST('/api/v1/auth/login', { body: { email: 'a@b.test', password: 'pw' } }));
    expect(await client.tokens.get()).toBeNull();
    const body = { mfaToken: 'm'.repeat(43), code: '123456' };
    await ok(client.POST('/api/v1/auth/mfa/challenge', { body }));
    expect(await client.tokens.get()).toEqual({ accessToken: 'a1', refreshToken: 'r1' });
    await ok(client.POST('/api/v1/auth/mfa/step-up', { body: { code: '654321' } }));
    expect(await client.tokens.get()).toEqual({ accessToken: 'a2', refreshToken: 'r1' });
  });
});
