import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Response } from 'supertest';
import { signUp, type SignedUp } from './support/auth.js';
import { createTestApp, type TestApp } from './support/test-app.js';

/** `[[[…1…]]]`, `levels` arrays deep. */
const nested = (levels: number) => JSON.parse(`${'['.repeat(levels)}1${']'.repeat(levels)}`);

const expectProblem = (res: Response, status: number, type?: string) => {
  expect({ status: res.status, contentType: res.headers['content-type'] }).toEqual({
    status,
    contentType: expect.stringMatching(/^application\/problem\+json/),
  });
  expect(res.body).toMatchObject({
    status,
    requestId: expect.any(String),
    instance: expect.stringMatching(/^\//),
  });
  if (type) expect(res.body.type).toBe(type);
  expect(res.text).not.toMatch(/\bat .+\.(js|ts):\d+/);
};

describe('HTTP edge: hostile input, nulls, caching, health and problems', () => {
  let t: TestApp;
  let user: SignedUp;
  let admin: SignedUp;

  beforeAll(async () => {
    t = await createTestApp();
    [user, admin] = await Promise.all([signUp(t), signUp(t, { role: 'admin' })]);
  });
  afterAll(() => t.close());

  describe('deeply nested or oversized input is a 400, before any transformation', () => {
    const deep = nested(1500);
    const routes: Array<{ method: 'post' | 'patch' | 'put'; path: string; auth: boolean }> = [
      { method: 'post', path: '/api/v1/auth/login', auth: false },
      { method: 'post', path: '/api/v1/auth/register', auth: false },
      { method: 'patch', path: '/api/v1/users/me', auth: true },
      { method: 'put', path: '/api/v1/notifications/preferences', auth: true },
    ];

    it.each(routes)('$method $path: in a known and an unknown field', async (route) => {
      const known = route.path.includes('preferences')
        ? { channels: deep }
        : route.path.includes('users')
          ? { displayName: deep }
          : { email: deep, password: 'x' };
      for (const body of [known, { unexpected: deep }]) {
        const client = route.auth ? t.asUser(user) : t.http;
        const res = await client[route.method](route.path).send(body);
        expectProblem(res, 400, 'urn:problem:input-too-complex');
        expect(res.body.detail).toMatch(/nested more than 32 levels/);
      }
    });

    it('bounds arrays, objects, strings and the number of values', async () => {
      const cases = [
        { body: { unexpected: new Array(1001).fill(0) }, detail: /1000 items in an array/ },
        {
          body: Object.fromEntries(Array.from({ length: 1001 }, (_, i) => [`k${i}`, 0])),
          detail: /1000 object members/,
        },
        {
          body: { lists: Array.from({ length: 11 }, () => new Array(1000).fill(0)) },
          detail: /10000 values in all/,
        },
      ];
      for (const { body, detail } of cases) {
        const res = await t.asUser(user).patch('/api/v1/users/me').send(body);
        expectProblem(res, 400, 'urn:problem:input-too-complex');
        expect(res.body.detail).toMatch(detail);
      }
      const long = await t
        .asUser(user)
        .patch('/api/v1/users/me')
        .send({ displayName: 'x'.repeat(40_000) });
      expectProblem(long, 400, 'urn:problem:input-too-complex');
      expect(long.body.errors).toEqual([
        { field: 'displayName', message: 'strings must be at most 32768 characters long' },
      ]);
    });

    it('keeps bracketed query keys flat and bounds repeated ones', async () => {
      const deepKey = `a${'[b]'.repeat(200)}=1`;
      const flat = await t.asUser(user).get(`/api/v1/notifications?${deepKey}`);
      // Not parsed into objects: just an unknown query parameter.
      expectProblem(flat, 400, 'urn:problem:validation-failed');
      const repeated = await t
        .asUser(user)
        .get(`/api/v1/notifications?${Array.from({ length: 1001 }, () => 'limit=1').join('&')}`);
      expect(repeated.status).toBe(400);
      expectProblem(repeated, 400);
    });

    it('refuses a query string that is not UTF-8 (a lone surrogate) instead of reading it as Latin-1', async () => {
      const res = await t.asUser(user).get('/api/v1/notifications?cursor=%ED%A0%80');
      expectProblem(res, 400, 'urn:problem:malformed-query');
      const fine = await t.asUser(user).get('/api/v1/notifications?limit=%35');
      expect(fine.status).toBe(200);
    });

    it('refuses NUL characters and lone surrogates in bodies and queries (both were 500s)', async () => {
      const resend = await t.http.post('/api/v1/auth/email/resend').send({ email: 'a\udc00b' });
      expectProblem(resend, 400, 'urn:problem:invalid-text');
      expect(resend.body.errors).toEqual([
        { field: 'email', message: 'must be valid Unicode text without NUL characters' },
      ]);
      const search = await t.asUser(admin).get('/api/v1/users?email=%00');
      expectProblem(search, 400, 'urn:problem:invalid-text');
    });

    it('still accepts an ordinary body', async () => {
      const res = await t
        .asUser(user)
        .patch('/api/v1/users/me')
        .send({ displayName: 'Still Fine' })
        .expect(200);
      expect(res.body.displayName).toBe('Still Fine');
    });
  });

  describe('null where the document does not declare it nullable is a 400', () => {
    it.each(['displayName', 'locale', 'timeZone'])('PATCH /users/me %s: null', async (field) => {
      const res = await t
        .asUser(user)
        .patch('/api/v1/users/me')
        .send({ [field]: null });
      expectProblem(res, 400, 'urn:problem:validation-failed');
      expect(res.body.errors).toEqual([{ field, message: `${field} must not be null` }]);
    });

    it.each(['status', 'role'])('admin PATCH /users/{id} %s: null', async (field) => {
      const res = await t
        .asUser(admin)
        .patch(`/api/v1/users/${user.userId}`)
        .send({ [field]: null });
      expectProblem(res, 400, 'urn:problem:validation-failed');
      expect(res.body.errors).toEqual([{ field, message: `${field} must not be null` }]);
    });

    it('PUT /notifications/preferences: a null category or switch', async () => {
      for (const [body, field] of [
        [{ channels: { security: null } }, 'channels.security'],
        [{ channels: null }, 'channels'],
        [{ channels: { account: { push: null } } }, 'channels.account.push'],
      ] as const) {
        const res = await t.asUser(user).put('/api/v1/notifications/preferences').send(body);
        expectProblem(res, 400, 'urn:problem:validation-failed');
        expect(res.body.errors).toEqual([{ field, message: `${field} must not be null` }]);
      }
    });

    it('quietHours is declared nullable: null clears it', async () => {
      const put = (body: object) =>
        t.asUser(user).put('/api/v1/notifications/preferences').send(body);
      await put({ quietHours: { start: '22:00', end: '07:00' } }).expect(200);
      const cleared = await put({ quietHours: null }).expect(200);
      expect(cleared.body.quietHours).toBeNull();
    });
  });

  describe('the documented shape of what is sent', () => {
    type Schema = {
      $ref?: string;
      properties?: Record<string, Schema>;
      required?: string[];
      additionalProperties?: Schema | boolean;
    };

    /** Members of `value` the schema does not declare, as dotted paths. */
    const undeclared = (
      value: unknown,
      schema: Schema,
      doc: { components: { schemas: Record<string, Schema> } },
      path = '',
    ): string[] => {
      const resolved = schema.$ref
        ? (doc.components.schemas[schema.$ref.split('/').pop() as string] as Schema)
        : schema;
      if (typeof value !== 'object' || value === null) return [];
      return Object.entries(value).flatMap(([key, child]) => {
        const declared =
          resolved.properties?.[key] ??
          (typeof resolved.additionalProperties === 'object'
            ? resolved.additionalProperties
            : undefined);
        return declared ? undeclared(child, declared, doc, `${path}${key}.`) : [`${path}${key}`];
      });
    };

    it('/health/ready sends only what its schema declares, and all it requires', async () => {
      const doc = (await t.http.get('/docs-json').expect(200)).body;
      const schema = doc.paths['/health/ready'].get.responses['200'].content['application/json']
        .schema as Schema;
      const ready = await t.http.get('/health/ready').expect(200);
      expect(undeclared(ready.body, schema, doc)).toEqual([]);
      const name = (schema.$ref as string).split('/').pop() as string;
      expect(Object.keys(ready.body).sort()).toEqual(
        [...(doc.components.schemas[name].required as string[])].sort(),
      );
      expect(ready.body).toMatchObject({
        status: 'ok',
        info: { database: { status: 'up' }, redis: { status: 'up' } },
        error: {},
      });
    });
  });

  it('answers an admin demoting or disabling themselves with a sentence saying what to do', async () => {
    for (const patch of [{ role: 'user' }, { status: 'disabled' }]) {
      const res = await t.asUser(admin).patch(`/api/v1/users/${admin.userId}`).send(patch);
      expectProblem(res, 409, 'urn:problem:cannot-change-self');
      expect(res.body.detail).toBe(
        'You cannot remove your own admin role or disable your own account, so that no admin locks themselves out. Ask another admin to make this change.',
      );
    }
  });

  describe('caching: secrets are never stored, signed-in reads are private', () => {
    const noStore = (res: Response, where: string) =>
      expect({ where, cc: res.headers['cache-control'], pragma: res.headers.pragma }).toEqual({
        where,
        cc: 'no-store',
        pragma: 'no-cache',
      });

    it('tokens, tickets, client secrets and the dashboard cookie: no-store', async () => {
      const signedIn = await signUp(t);
      const login = await t.http
        .post('/api/v1/auth/login')
        .send({ email: signedIn.email, password: signedIn.password })
        .expect(200);
      noStore(login, 'login');
      const refresh = await t.http
        .post('/api/v1/auth/refresh')
        .send({ refreshToken: login.body.refreshToken })
        .expect(200);
      noStore(refresh, 'refresh');
      noStore(
        await t.asUser(refresh.body).post('/api/v1/notifications/stream-ticket').expect(201),
        'stream-ticket',
      );
      const payment = await t
        .asUser(refresh.body)
        .post('/api/v1/payments')
        .set('Idempotency-Key', crypto.randomUUID())
        .send({ amount: 1999, currency: 'usd' })
        .expect(201);
      noStore(payment, 'POST /payments');
      noStore(
        await t.asUser(refresh.body).get(`/api/v1/payments/${payment.body.id}`).expect(200),
        'GET /payments/{id}',
      );
      noStore(
        await t.asUser(admin).post('/api/v1/admin/queue-dashboard/session').expect(204),
        'dashboard session',
      );
      // Also when the answer is an error.
      noStore(
        await t.http.post('/api/v1/auth/login').send({ email: signedIn.email, password: 'wrong' }),
        'failed login',
      );
    });

    it('signed-in reads: private, revalidated, varying by Authorization', async () => {
      for (const path of ['/api/v1/users/me', '/api/v1/notifications', '/api/v1/auth/sessions']) {
        const res = await t.asUser(user).get(path).expect(200);
        expect({ path, cc: res.headers['cache-control'], vary: res.headers.vary }).toEqual({
          path,
          cc: 'private, no-cache',
          vary: expect.stringMatching(/\bAuthorization\b/),
        });
      }
      const live = await t.http.get('/health/live').expect(200);
      expect(live.headers['cache-control']).toBeUndefined();
    });
  });
});
