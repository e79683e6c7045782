import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { ManualClock } from '../src/common/clock.js';
import { IdempotencyStore, requestFingerprint } from '../src/idempotency/idempotency.store.js';
import { login, signUp, type SignedUp } from './support/auth.js';
import { paymentIdsOf } from './support/rows.js';
import { createTestApp, type TestApp } from './support/test-app.js';

let t: TestApp;
const clock = new ManualClock(new Date());

beforeAll(async () => {
  t = await createTestApp({ PAYMENTS_RECONCILE_EVERY_MS: '3600000' }, { clock });
});

afterAll(async () => {
  await t?.close();
});

const body = { amount: 2500, currency: 'usd', description: 'Idempotent order' };

function create(user: SignedUp, key: string, payload: Record<string, unknown> = body) {
  return t.asUser(user).post('/api/v1/payments').set('Idempotency-Key', key).send(payload);
}

/** Sandbox intents (the provider's side) created for these payments. */
async function intentsFor(paymentIds: string[]): Promise<number> {
  const redis = t.app.get(Redis);
  const prefix = `${t.config.queue.prefix}:`;
  let count = 0;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(
      cursor,
      'MATCH',
      `${prefix}pay:sandbox:pi:*`,
      'COUNT',
      500,
    );
    cursor = next;
    for (const key of keys) {
      const raw = await redis.get(key.slice(prefix.length));
      if (raw && paymentIds.includes((JSON.parse(raw) as { paymentId: string }).paymentId)) count++;
    }
  } while (cursor !== '0');
  return count;
}

describe('Idempotency-Key', () => {
  it('replays the first response for the same key and body', async () => {
    const user = await signUp(t);
    const key = randomUUID();
    const first = await create(user, key);
    expect(first.status).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const second = await create(user, key);
    expect(second.status).toBe(201);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.body).toEqual(first.body);
    expect(await paymentIdsOf(t.app, user.userId)).toEqual([first.body.id]);
  });

  it('answers 422 for the same key with another body', async () => {
    const user = await signUp(t);
    const key = randomUUID();
    expect((await create(user, key)).status).toBe(201);
    const res = await create(user, key, { ...body, amount: 2600 });
    expect(res.status).toBe(422);
    expect(res.body.type).toBe('urn:problem:idempotency-key-reused');
    expect(await paymentIdsOf(t.app, user.userId)).toHaveLength(1);
  });

  it('answers 409 with Retry-After while the first request is in flight', async () => {
    const user = await signUp(t);
    const key = randomUUID();
    // The first request holds the claim (as if still running on another instance).
    await t.app
      .get(IdempotencyStore)
      .claim(
        { scope: user.userId, method: 'POST', path: '/api/v1/payments', key },
        requestFingerprint({ method: 'POST', path: '/api/v1/payments', query: {}, body }),
      );
    const res = await create(user, key);
    expect(res.status).toBe(409);
    expect(res.body.type).toBe('urn:problem:idempotency-key-in-flight');
    expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(await paymentIdsOf(t.app, user.userId)).toHaveLength(0);
    // A claim whose holder died expires with its lease, and the request runs.
    clock.advance(61_000);
    const fresh = { ...user, ...(await login(t, user.email, user.password)) };
    expect((await create(fresh, key)).status).toBe(201);
  });

  it('twenty concurrent identical requests create one payment and one provider intent', async () => {
    const user = await signUp(t);
    const key = randomUUID();
    const results = await Promise.all(Array.from({ length: 20 }, () => create(user, key)));
    const created = results.filter((r) => r.status === 201);
    expect(created.length).toBeGreaterThanOrEqual(1);
    for (const r of results) {
      expect([201, 409]).toContain(r.status);
      if (r.status === 409) expect(r.headers['retry-after']).toBeDefined();
    }
    expect(new Set(created.map((r) => r.body.id)).size).toBe(1);
    expect(created.filter((r) => r.headers['idempotent-replayed'] !== 'true')).toHaveLength(1);
    const ids = await paymentIdsOf(t.app, user.userId);
    expect(ids).toHaveLength(1);
    expect(await intentsFor(ids)).toBe(1);
  });

  it('is scoped to the caller and the route', async () => {
    const ann = await signUp(t);
    const bob = await signUp(t);
    const key = randomUUID();
    const a = await create(ann, key);
    const b = await create(bob, key);
    expect(b.status).toBe(201);
    expect(b.headers['idempotent-replayed']).toBeUndefined();
    expect(b.body.id).not.toBe(a.body.id);
    const cancel = await t
      .asUser(ann)
      .post(`/api/v1/payments/${a.body.id}/cancel`)
      .set('Idempotency-Key', key);
    expect(cancel.status).toBe(200);
    expect(cancel.body.status).toBe('canceled');
  });

  it('keeps no record of a failed request, so a corrected retry runs', async () => {
    const user = await signUp(t);
    const key = randomUUID();
    expect((await create(user, key, { ...body, currency: 'xyz' })).status).toBe(400);
    expect((await create(user, key)).status).toBe(201);
  });

  it('requires a key of at most 255 visible characters', async () => {
    const user = await signUp(t);
    const missing = await t.asUser(user).post('/api/v1/payments').send(body);
    expect(missing.status).toBe(400);
    expect(missing.body.type).toBe('urn:problem:idempotency-key-required');
    expect((await create(user, 'k'.repeat(256))).status).toBe(400);
    expect((await create(user, 'k'.repeat(255))).status).toBe(201);
    expect((await create(user, 'has space')).status).toBe(400);
  });

  it('forgets a key after 24 hours', async () => {
    const user = await signUp(t);
    const key = randomUUID();
    const first = await create(user, key);
    clock.advance(24 * 60 * 60 * 1000 + 1000);
    // Access tokens expire on the same clock: log in again.
    const fresh = { ...user, ...(await login(t, user.email, user.password)) };
    const later = await create(fresh, key);
    expect(later.status).toBe(201);
    expect(later.headers['idempotent-replayed']).toBeUndefined();
    expect(later.body.id).not.toBe(first.body.id);
    const purged = await t.app.get(IdempotencyStore).purgeExpired();
    expect(purged).toBeGreaterThanOrEqual(1);
  });

  it('is in the OpenAPI document on every money-moving route', async () => {
    const doc = await t.http.get('/docs-json');
    expect(doc.status).toBe(200);
    const paths = doc.body.paths as Record<
      string,
      Record<
        string,
        {
          parameters?: Array<{ name: string; in: string; required?: boolean }>;
          responses: Record<string, unknown>;
        }
      >
    >;
    for (const path of [
      '/api/v1/payments',
      '/api/v1/payments/{id}/confirm',
      '/api/v1/payments/{id}/cancel',
      '/api/v1/payments/{id}/refunds',
    ]) {
      const op = paths[path].post;
      expect(op.parameters).toContainEqual(
        expect.objectContaining({ name: 'Idempotency-Key', in: 'header', required: true }),
      );
      expect(Object.keys(op.responses)).toEqual(
        expect.arrayContaining(['400', '401', '409', '422']),
      );
    }
  });
});
