import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { signUp, type SignedUp } from './support/auth.js';
import { createTestApp, type TestApp } from './support/test-app.js';

const MUTATIONS = '/api/v1/sync/mutations';
const doc = (collection: string, key: string) => `/api/v1/sync/documents/${collection}/${key}`;

interface MutationInput {
  id?: string;
  op: 'put' | 'delete';
  collection: string;
  key: string;
  value?: unknown;
  baseRev?: number;
}

const batch = (mutations: MutationInput[], clientId = 'phone') => ({
  clientId,
  mutations: mutations.map((m) => ({ id: randomUUID(), ...m })),
});

describe('sync mutation batches', () => {
  let t: TestApp;
  let ann: SignedUp;

  beforeAll(async () => {
    t = await createTestApp({ APP_ROLE: 'api' });
    ann = await signUp(t);
  });
  afterAll(() => t.close());

  it('applies in order; a conflict does not stop the others; the cursor is after the batch', async () => {
    await t.asUser(ann).put(doc('todo', 'b')).send({ value: 'server' }).expect(200);
    const body = batch([
      { op: 'put', collection: 'todo', key: 'a', value: { done: false } },
      { op: 'put', collection: 'todo', key: 'a', value: { done: true }, baseRev: 1 },
      { op: 'put', collection: 'todo', key: 'b', value: 'offline', baseRev: 0 },
      { op: 'delete', collection: 'todo', key: 'c' },
      { op: 'put', collection: 'todo', key: 'd', value: [1, 2], baseRev: 0 },
      { op: 'delete', collection: 'todo', key: 'd', baseRev: 1 },
    ]);
    const res = await t.asUser(ann).post(MUTATIONS).send(body).expect(200);
    const ids = body.mutations.map((m) => m.id);
    expect(res.body.results).toEqual([
      { id: ids[0], status: 'applied', rev: 1 },
      { id: ids[1], status: 'applied', rev: 2 },
      {
        id: ids[2],
        status: 'conflict',
        current: expect.objectContaining({ key: 'b', rev: 1, value: 'server', deleted: false }),
      },
      { id: ids[3], status: 'conflict', current: null },
      { id: ids[4], status: 'applied', rev: 1 },
      { id: ids[5], status: 'applied', rev: 2 },
    ]);
    expect((await t.asUser(ann).get(doc('todo', 'a')).expect(200)).body.value).toEqual({
      done: true,
    });
    await t.asUser(ann).get(doc('todo', 'd')).expect(404);
    // The batch's cursor is the end of the feed: nothing after it.
    const after = await t
      .asUser(ann)
      .get('/api/v1/sync/changes')
      .query({ since: res.body.cursor })
      .expect(200);
    expect(after.body.changes).toEqual([]);
  });

  it('a retried batch changes nothing and returns the same results', async () => {
    const body = batch([
      { op: 'put', collection: 'retry', key: 'x', value: 1 },
      { op: 'put', collection: 'retry', key: 'x', value: 2, baseRev: 7 },
      { op: 'put', collection: 'retry', key: 'y', value: 'y' },
    ]);
    const first = await t.asUser(ann).post(MUTATIONS).send(body).expect(200);
    // Another device changes x between the lost response and the retry.
    await t.asUser(ann).put(doc('retry', 'x')).send({ value: 'other device' }).expect(200);
    const feed = await t.asUser(ann).get('/api/v1/sync/changes').expect(200);

    const retry = await t.asUser(ann).post(MUTATIONS).send(body).expect(200);
    expect(retry.body.results).toEqual(first.body.results);
    const x = await t.asUser(ann).get(doc('retry', 'x')).expect(200);
    expect(x.body).toMatchObject({ rev: 2, value: 'other device' });
    const since = await t
      .asUser(ann)
      .get('/api/v1/sync/changes')
      .query({ since: feed.body.cursor })
      .expect(200);
    expect(since.body.changes).toEqual([]);

    // Ten retries at once: still applied once.
    const concurrent = batch([{ op: 'put', collection: 'retry', key: 'z', value: 'z' }]);
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => t.asUser(ann).post(MUTATIONS).send(concurrent)),
    );
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(answer.body.results).toEqual([
        { id: concurrent.mutations[0]?.id, status: 'applied', rev: 1 },
      ]);
    }
  });

  it('a mixed retry replays the known mutations and applies the new ones', async () => {
    const first = batch([{ op: 'put', collection: 'mixed', key: 'a', value: 1 }]);
    await t.asUser(ann).post(MUTATIONS).send(first).expect(200);
    const extended = {
      ...first,
      mutations: [
        ...first.mutations,
        { id: randomUUID(), op: 'put', collection: 'mixed', key: 'a', value: 2 },
      ],
    };
    const res = await t.asUser(ann).post(MUTATIONS).send(extended).expect(200);
    expect(res.body.results.map((r: { rev: number }) => r.rev)).toEqual([1, 2]);
  });

  it("mutation ids are per user: another user's same id applies to their own documents", async () => {
    const bob = await signUp(t);
    const body = batch([{ op: 'put', collection: 'shared-id', key: 'k', value: 'ann' }]);
    await t.asUser(ann).post(MUTATIONS).send(body).expect(200);
    const bobs = {
      ...body,
      mutations: body.mutations.map((m) => ({ ...m, value: 'bob' })),
    };
    const res = await t.asUser(bob).post(MUTATIONS).send(bobs).expect(200);
    expect(res.body.results[0]).toMatchObject({ status: 'applied', rev: 1 });
    expect((await t.asUser(bob).get(doc('shared-id', 'k')).expect(200)).body.value).toBe('bob');
    expect((await t.asUser(ann).get(doc('shared-id', 'k')).expect(200)).body.value).toBe('ann');
  });

  it('refuses bad batches with 4xx problems naming the mutation', async () => {
    const id = randomUUID();
    const cases: Array<{ body: unknown; status: number; type: string; field?: string }> = [
      { body: { mutations: [] }, status: 400, type: 'validation-failed' },
      { body: { clientId: 'p', mutations: [] }, status: 400, type: 'validation-failed' },
      { body: { clientId: 'p', mutations: 'x' }, status: 400, type: 'validation-failed' },
      {
        body: { clientId: 'p', mutations: [{ id, op: 'move', collection: 'a', key: 'b' }] },
        status: 400,
        type: 'validation-failed',
      },
      {
        body: {
          clientId: 'p',
          mutations: [{ id, op: 'put', collection: 'A', key: 'b', value: 1 }],
        },
        status: 400,
        type: 'validation-failed',
      },
      {
        body: {
          clientId: 'p',
          mutations: [{ id, op: 'put', collection: 'a', key: 'b/c', value: 1 }],
        },
        status: 400,
        type: 'validation-failed',
      },
      {
        body: { clientId: 'p', mutations: [{ id, op: 'put', collection: 'a', key: 'b' }] },
        status: 400,
        type: 'validation-failed',
        field: 'mutations[0].value',
      },
      {
        body: {
          clientId: 'p',
          mutations: [{ id, op: 'put', collection: 'a', key: 'b', value: null }],
        },
        status: 400,
        type: 'validation-failed',
      },
      {
        body: {
          clientId: 'p',
          mutations: [{ id, op: 'delete', collection: 'a', key: 'b', value: 1 }],
        },
        status: 400,
        type: 'validation-failed',
        field: 'mutations[0].value',
      },
      {
        body: {
          clientId: 'p',
          mutations: [{ id, op: 'put', collection: 'a', key: 'b', value: 1, baseRev: -1 }],
        },
        status: 400,
        type: 'validation-failed',
      },
      {
        body: {
          clientId: 'p',
          mutations: [{ id, op: 'put', collection: 'a', key: 'b', value: 1, baseRev: '1' }],
        },
        status: 400,
        type: 'validation-failed',
      },
      {
        body: {
          clientId: 'p',
          mutations: [
            { id, op: 'put', collection: 'a', key: 'b', value: 1 },
            { id, op: 'put', collection: 'a', key: 'c', value: 1 },
          ],
        },
        status: 400,
        type: 'validation-failed',
        field: 'mutations[1].id',
      },
      {
        body: {
          clientId: 'p',
          mutations: [
            { id, op: 'put', collection: 'a', key: 'b', value: 1 },
            { id: randomUUID(), op: 'put', collection: 'a', key: 'c', value: 'x'.repeat(70_000) },
          ],
        },
        status: 413,
        type: 'sync-value-too-large',
        field: 'mutations[1].value',
      },
      {
        body: {
          clientId: 'p',
          mutations: Array.from({ length: 501 }, (_, i) => ({
            id: `m${i}`,
            op: 'delete',
            collection: 'a',
            key: 'b',
          })),
        },
        status: 413,
        type: 'sync-batch-too-large',
      },
    ];
    for (const { body, status, type, field } of cases) {
      const res = await t
        .asUser(ann)
        .post(MUTATIONS)
        .send(body as object);
      expect([res.status, res.body.type]).toEqual([status, `urn:problem:${type}`]);
      if (field) expect(res.body.errors?.[0]?.field).toBe(field);
    }
    // Nothing of the refused batches was applied.
    await t.asUser(ann).get(doc('a', 'b')).expect(404);
  });

  it('takes a full batch of 500 mutations', async () => {
    const body = batch(
      Array.from({ length: 500 }, (_, i) => ({
        op: 'put' as const,
        collection: 'bulk',
        key: `k${i}`,
        value: { i, text: 'x'.repeat(100) },
      })),
    );
    const res = await t.asUser(ann).post(MUTATIONS).send(body).expect(200);
    expect(res.body.results).toHaveLength(500);
    expect(res.body.results.every((r: { status: string }) => r.status === 'applied')).toBe(true);
  });
});
