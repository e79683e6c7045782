import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { ACCOUNT_DELETED } from '../src/common/events/account-events.js';
import { SyncErasure } from '../src/sync/worker/sync-erasure.js';
import { signUp, type SignedUp } from './support/auth.js';
import { createTestApp, type TestApp } from './support/test-app.js';
import { waitFor } from './support/wait.js';

const doc = (collection: string, key: string) => `/api/v1/sync/documents/${collection}/${key}`;
const usagePath = (id: string) => `/api/v1/users/${id}/sync/usage`;

describe('sync: admin usage and account deletion', () => {
  let t: TestApp;
  let admin: SignedUp;

  beforeAll(async () => {
    // Role all: the outbox relay and the sync worker's consumer run here.
    t = await createTestApp();
    admin = await signUp(t, { role: 'admin' });
  });
  afterAll(() => t.close());

  const rows = async (userId: string) => {
    const [row] = await t.app.get(DataSource).query(
      `SELECT (SELECT count(*) FROM sync_heads WHERE user_id = $1)::int AS heads,
              (SELECT count(*) FROM sync_documents WHERE user_id = $1)::int AS documents,
              (SELECT count(*) FROM sync_mutations WHERE user_id = $1)::int AS mutations`,
      [userId],
    );
    return row as { heads: number; documents: number; mutations: number };
  };

  it("shows admins a user's usage; others get 403; an unknown user is 404", async () => {
    const ann = await signUp(t);
    expect((await t.asUser(admin).get(usagePath(ann.userId)).expect(200)).body).toEqual({
      documents: 0,
      bytes: 0,
      tombstones: 0,
    });
    await t
      .asUser(ann)
      .put(doc('s', 'a'))
      .send({ value: { a: 1 } })
      .expect(200);
    await t.asUser(ann).put(doc('s', 'b')).send({ value: 'gone' }).expect(200);
    await t.asUser(ann).delete(doc('s', 'b')).expect(204);
    expect((await t.asUser(admin).get(usagePath(ann.userId)).expect(200)).body).toEqual({
      documents: 1,
      bytes: 7,
      tombstones: 1,
    });
    await t.asUser(ann).get(usagePath(ann.userId)).expect(403);
    const unknown = await t.asUser(admin).get(usagePath(randomUUID())).expect(404);
    expect(unknown.body.type).toBe('urn:problem:user-not-found');
    await t.asUser(admin).get(usagePath('not-a-uuid')).expect(400);
  });

  it('erases the sync data of a deleted account', async () => {
    const ann = await signUp(t);
    await t.asUser(ann).put(doc('s', 'a')).send({ value: 1 }).expect(200);
    await t.asUser(ann).delete(doc('s', 'a')).expect(204);
    await t
      .asUser(ann)
      .post('/api/v1/sync/mutations')
      .send({
        clientId: 'p',
        mutations: [{ id: randomUUID(), op: 'put', collection: 's', key: 'b', value: 2 }],
      })
      .expect(200);
    expect(await rows(ann.userId)).toEqual({ heads: 1, documents: 2, mutations: 1 });

    await t.asUser(ann).delete('/api/v1/users/me').send({ password: ann.password }).expect(204);
    await waitFor(async () => (await rows(ann.userId)).heads === 0, {
      what: 'the sync data to be erased',
    });
    expect(await rows(ann.userId)).toEqual({ heads: 0, documents: 0, mutations: 0 });
    // A second delivery of the event finds nothing to do.
    await t.app.get(SyncErasure, { strict: false }).handle({
      id: randomUUID(),
      type: ACCOUNT_DELETED,
      payload: { userId: ann.userId, deletedAt: new Date().toISOString() },
      createdAt: new Date().toISOString(),
    });
    await t.asUser(admin).get(usagePath(ann.userId)).expect(404);
  });
});
