import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { signUp, type SignedUp } from './support/auth.js';
import { createTestApp, type TestApp } from './support/test-app.js';

const MUTATIONS = '/api/v1/sync/mutations';
const doc = (collection: string, key: string) => `/api/v1/sync/documents/${collection}/${key}`;

/** Small limits, so that each is reached in a few requests. */
describe('sync limits', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({
      APP_ROLE: 'api',
      SYNC_MAX_VALUE_BYTES: '40',
      SYNC_MAX_DOCUMENTS: '3',
      SYNC_MAX_BYTES_PER_USER: '100',
      SYNC_MAX_BATCH_MUTATIONS: '4',
      SYNC_MAX_BATCH_BYTES: '2048',
    });
  });
  afterAll(() => t.close());

  const put = (user: SignedUp, key: string, value: unknown) =>
    t.asUser(user).put(doc('q', key)).send({ value });

  it('refuses a value over SYNC_MAX_VALUE_BYTES with 413, naming the limit', async () => {
    const ann = await signUp(t);
    await put(ann, 'fits', 'x'.repeat(38)).expect(200);
    const res = await put(ann, 'big', 'x'.repeat(39)).expect(413);
    expect(res.body.type).toBe('urn:problem:sync-value-too-large');
    expect(res.body.detail).toMatch(/SYNC_MAX_VALUE_BYTES/);
  });

  it('counts live documents: a fourth is 409 until one is deleted', async () => {
    const ann = await signUp(t);
    for (const key of ['a', 'b', 'c']) await put(ann, key, 1).expect(200);
    // Replacing a live document does not add one.
    await put(ann, 'a', 2).expect(200);
    const res = await put(ann, 'd', 1).expect(409);
    expect(res.body.type).toBe('urn:problem:sync-document-quota-exceeded');
    expect(res.body.detail).toMatch(/SYNC_MAX_DOCUMENTS/);
    await t.asUser(ann).delete(doc('q', 'a')).expect(204);
    await put(ann, 'd', 1).expect(200);
  });

  it('counts bytes: growth past SYNC_MAX_BYTES_PER_USER is 409, shrinking is fine', async () => {
    const ann = await signUp(t);
    await put(ann, 'a', 'x'.repeat(38)).expect(200);
    await put(ann, 'b', 'x'.repeat(38)).expect(200);
    const res = await put(ann, 'c', 'x'.repeat(30)).expect(409);
    expect(res.body.type).toBe('urn:problem:sync-storage-quota-exceeded');
    expect(res.body.detail).toMatch(/SYNC_MAX_BYTES_PER_USER/);
    await put(ann, 'b', 'small').expect(200);
    await put(ann, 'c', 'x'.repeat(30)).expect(200);
  });

  it('a batch over a quota fails whole, naming the mutation', async () => {
    const ann = await signUp(t);
    const mutations = ['a', 'b', 'c', 'd'].map((key) => ({
      id: randomUUID(),
      op: 'put',
      collection: 'q',
      key,
      value: 1,
    }));
    const res = await t.asUser(ann).post(MUTATIONS).send({ clientId: 'p', mutations }).expect(409);
    expect(res.body.type).toBe('urn:problem:sync-document-quota-exceeded');
    expect(res.body.errors[0].field).toBe('mutations[3]');
    await t.asUser(ann).get(doc('q', 'a')).expect(404);
  });

  it('refuses more than SYNC_MAX_BATCH_MUTATIONS, and a body over SYNC_MAX_BATCH_BYTES', async () => {
    const ann = await signUp(t);
    const mutations = Array.from({ length: 5 }, (_, i) => ({
      id: `m${i}`,
      op: 'delete',
      collection: 'q',
      key: 'a',
    }));
    const many = await t.asUser(ann).post(MUTATIONS).send({ clientId: 'p', mutations }).expect(413);
    expect(many.body.type).toBe('urn:problem:sync-batch-too-large');
    const large = await t
      .asUser(ann)
      .post(MUTATIONS)
      .send({ clientId: 'x'.repeat(3000), mutations: mutations.slice(0, 1) })
      .expect(413);
    expect(large.body.type).toBe('urn:problem:body-too-large');
  });

  it('the usage totals stay exact through puts, replacements and deletes', async () => {
    const admin = await signUp(t, { role: 'admin' });
    const ann = await signUp(t);
    await put(ann, 'a', 'abc').expect(200); // 5 bytes
    await put(ann, 'b', [1, 2]).expect(200); // 5 bytes
    await put(ann, 'a', 'abcdef').expect(200); // 8 bytes
    await t.asUser(ann).delete(doc('q', 'b')).expect(204);
    const usage = await t.asUser(admin).get(`/api/v1/users/${ann.userId}/sync/usage`).expect(200);
    expect(usage.body).toEqual({ documents: 1, bytes: 8, tombstones: 1 });
  });
});
