import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { ManualClock } from '../src/common/clock.js';
import { SyncPurge } from '../src/sync/worker/sync-purge.js';
import { login, signUp, type SignedUp } from './support/auth.js';
import { holdLock } from './support/held-lock.js';
import { createTestApp, type TestApp } from './support/test-app.js';
import { waitFor } from './support/wait.js';

const DAY = 24 * 3_600_000;
const doc = (collection: string, key: string) => `/api/v1/sync/documents/${collection}/${key}`;

interface Change {
  collection: string;
  key: string;
  rev: number;
  value: unknown;
  deleted: boolean;
}

describe('sync change feed', () => {
  const clock = new ManualClock(new Date());
  let t: TestApp;

  beforeAll(async () => {
    // Role all: the worker's purge runs in this process (called directly below).
    t = await createTestApp({ SYNC_TOMBSTONE_RETENTION_DAYS: '30' }, { clock });
  });
  afterAll(() => t.close());

  /** Every change after `since`, pulling pages of `limit`; returns them and the final cursor. */
  async function pullAll(
    user: SignedUp,
    since?: string,
    limit = 100,
    collections?: string,
  ): Promise<{ changes: Change[]; cursor: string }> {
    const changes: Change[] = [];
    let cursor = since;
    for (;;) {
      const res = await t
        .asUser(user)
        .get('/api/v1/sync/changes')
        .query({
          limit,
          ...(cursor ? { since: cursor } : {}),
          ...(collections ? { collections } : {}),
        })
        .expect(200);
      changes.push(...res.body.changes);
      cursor = res.body.cursor;
      if (!res.body.hasMore) return { changes, cursor: cursor as string };
    }
  }

  it('pages the initial sync, then gives only what changed, tombstones included', async () => {
    const ann = await signUp(t);
    for (let i = 1; i <= 5; i++)
      await t
        .asUser(ann)
        .put(doc('notes', `n${i}`))
        .send({ value: { i } })
        .expect(200);
    const first = await pullAll(ann, undefined, 2);
    expect(first.changes.map((c) => c.key)).toEqual(['n1', 'n2', 'n3', 'n4', 'n5']);
    expect(first.changes[0]).toMatchObject({
      collection: 'notes',
      rev: 1,
      value: { i: 1 },
      deleted: false,
    });

    await t.asUser(ann).put(doc('notes', 'n2')).send({ value: 'edited' }).expect(200);
    await t.asUser(ann).delete(doc('notes', 'n4')).expect(204);
    const next = await pullAll(ann, first.cursor);
    expect(next.changes).toEqual([
      expect.objectContaining({ key: 'n2', rev: 2, value: 'edited', deleted: false }),
      expect.objectContaining({ key: 'n4', rev: 2, value: null, deleted: true }),
    ]);
    const none = await t
      .asUser(ann)
      .get('/api/v1/sync/changes')
      .query({ since: next.cursor })
      .expect(200);
    expect(none.body).toEqual({ changes: [], cursor: next.cursor, hasMore: false });
    // A fresh device sees the latest state of each document, the tombstone too.
    const fresh = await pullAll(ann);
    expect(fresh.changes.map((c) => [c.key, c.rev, c.deleted])).toEqual([
      ['n1', 1, false],
      ['n3', 1, false],
      ['n5', 1, false],
      ['n2', 2, false],
      ['n4', 2, true],
    ]);
  });

  it("gives each change's time exactly as the write answered it, to the millisecond", async () => {
    const bob = await signUp(t);
    clock.advance(1_007 - (clock.now().getTime() % 1_000)); // at .007 s: the padding shows
    const put = await t.asUser(bob).put(doc('notes', 'timed')).send({ value: 1 }).expect(200);
    expect(put.body.updatedAt).toMatch(/\.007Z$/);
    const first = await pullAll(bob);
    expect(first.changes).toEqual([expect.objectContaining({ updatedAt: put.body.updatedAt })]);

    clock.advance(1);
    await t.asUser(bob).delete(doc('notes', 'timed')).expect(204);
    const next = await pullAll(bob, first.cursor);
    expect(next.changes).toEqual([
      expect.objectContaining({ deleted: true, updatedAt: clock.now().toISOString() }),
    ]);
  });

  it('filters by collections', async () => {
    const ann = await signUp(t);
    await t.asUser(ann).put(doc('a', 'x')).send({ value: 1 });
    await t.asUser(ann).put(doc('b', 'x')).send({ value: 2 });
    await t.asUser(ann).put(doc('c', 'x')).send({ value: 3 });
    const some = await pullAll(ann, undefined, 100, 'a,c');
    expect(some.changes.map((c) => c.collection)).toEqual(['a', 'c']);
  });

  it("another user's changes are absent from your feed", async () => {
    const [ann, bob] = await Promise.all([signUp(t), signUp(t)]);
    await t.asUser(ann).put(doc('private', 'diary')).send({ value: 'secret' }).expect(200);
    expect((await pullAll(bob)).changes).toEqual([]);
    await t.asUser(bob).put(doc('own', 'x')).send({ value: 1 }).expect(200);
    expect((await pullAll(bob)).changes.map((c) => c.collection)).toEqual(['own']);
    expect((await pullAll(ann)).changes.map((c) => c.collection)).toEqual(['private']);
  });

  it('refuses a bad cursor, limit or collection filter with a 400 problem', async () => {
    const ann = await signUp(t);
    const forged = Buffer.from('s1:-5').toString('base64url');
    for (const query of [{ since: 'garbage' }, { since: forged }, { since: '' }]) {
      const res = await t.asUser(ann).get('/api/v1/sync/changes').query(query).expect(400);
      expect(res.body.type).toBe('urn:problem:invalid-cursor');
    }
    for (const query of [
      { limit: 0 },
      { limit: 1001 },
      { limit: 'x' },
      { collections: 'A' },
      { collections: 'a,,b' },
    ]) {
      const res = await t.asUser(ann).get('/api/v1/sync/changes').query(query).expect(400);
      expect(res.body.type).toBe('urn:problem:validation-failed');
    }
  });

  it('never skips or repeats a change when commits finish out of order', async () => {
    const ann = await signUp(t);
    await t.asUser(ann).put(doc('feed', 'first')).send({ value: 1 }).expect(200);
    const start = (await pullAll(ann)).cursor;

    // Writer A: takes the next seq and writes its document, but does not commit yet.
    const db = t.app.get(DataSource);
    const writerA = await holdLock(
      db,
      `WITH head AS (
         UPDATE sync_heads SET seq = seq + 1, documents = documents + 1, bytes = bytes + 1
          WHERE user_id = $1 RETURNING seq)
       INSERT INTO sync_documents (user_id, collection, key, rev, seq, value, size)
       SELECT $1, 'feed', 'held', 1, seq, '1'::jsonb, 1 FROM head`,
      [ann.userId],
    );
    let released = false;
    try {
      // Writer B starts after A: it must queue behind A's lock on the head.
      const writerB = t.asUser(ann).put(doc('feed', 'later')).send({ value: 2 });
      const answerB = writerB.then((res) => res);
      await waitFor(async () => (await writerA.waiting()) > 0, { what: 'writer B to wait on A' });
      // A reader now sees neither: its cursor cannot pass A's uncommitted change.
      const during = await t
        .asUser(ann)
        .get('/api/v1/sync/changes')
        .query({ since: start })
        .expect(200);
      expect(during.body).toEqual({ changes: [], cursor: start, hasMore: false });

      await writerA.release();
      released = true;
      expect((await answerB).status).toBe(200);
      const after = await pullAll(ann, during.body.cursor);
      expect(after.changes.map((c) => c.key)).toEqual(['held', 'later']);
      const again = await pullAll(ann, after.cursor);
      expect(again.changes).toEqual([]);
    } finally {
      if (!released) await writerA.release();
    }
  });

  it('answers 410 to a cursor older than the tombstone retention, and a resync recovers', async () => {
    let ann = await signUp(t);
    await t.asUser(ann).put(doc('old', 'kept')).send({ value: 1 }).expect(200);
    await t.asUser(ann).put(doc('old', 'gone')).send({ value: 2 }).expect(200);
    const early = (await pullAll(ann)).cursor;
    await t.asUser(ann).delete(doc('old', 'gone')).expect(204);
    const latest = (await pullAll(ann, early)).cursor;

    clock.advance(29 * DAY);
    await t.app.get(SyncPurge, { strict: false }).runOnce();
    ann = { ...ann, ...(await login(t, ann.email, ann.password)) };
    // Within the retention: the tombstone is still there.
    expect((await pullAll(ann, early)).changes).toEqual([
      expect.objectContaining({ key: 'gone', deleted: true }),
    ]);

    clock.advance(2 * DAY);
    const report = await t.app.get(SyncPurge, { strict: false }).runOnce();
    expect(report.tombstones).toBeGreaterThanOrEqual(1);
    ann = { ...ann, ...(await login(t, ann.email, ann.password)) };
    const expired = await t
      .asUser(ann)
      .get('/api/v1/sync/changes')
      .query({ since: early })
      .expect(410);
    expect(expired.body.type).toBe('urn:problem:sync-cursor-expired');
    // A cursor that had seen the delete is still good; a resync from the beginning always is.
    await t.asUser(ann).get('/api/v1/sync/changes').query({ since: latest }).expect(200);
    const resync = await pullAll(ann);
    expect(resync.changes.map((c) => c.key)).toEqual(['kept']);
  });

  it('keeps a resync’s cursors good past the tombstones purged before it, not later ones', async () => {
    let bob = await signUp(t);
    for (const key of ['a', 'b', 'c', 'd'])
      await t.asUser(bob).put(doc('lists', key)).send({ value: key }).expect(200);
    const early = (await pullAll(bob)).cursor;
    await t.asUser(bob).delete(doc('lists', 'c')).expect(204);
    clock.advance(31 * DAY);
    await t.app.get(SyncPurge, { strict: false }).runOnce();
    bob = { ...bob, ...(await login(t, bob.email, bob.password)) };
    await t.asUser(bob).get('/api/v1/sync/changes').query({ since: early }).expect(410);

    // Pages of one end below the purged tombstone (the last change): every page and the next
    // pull answer 200, where a plain position would answer 410 and restart the resync.
    const resync = await pullAll(bob, undefined, 1);
    expect(resync.changes.map((c) => c.key)).toEqual(['a', 'b', 'd']);
    expect((await pullAll(bob, resync.cursor)).changes).toEqual([]);

    // A delete after the resync began is not excused: purged unseen, it still answers 410.
    await t.asUser(bob).delete(doc('lists', 'a')).expect(204);
    clock.advance(31 * DAY);
    await t.app.get(SyncPurge, { strict: false }).runOnce();
    bob = { ...bob, ...(await login(t, bob.email, bob.password)) };
    await t.asUser(bob).get('/api/v1/sync/changes').query({ since: resync.cursor }).expect(410);
  });

  it('answers 410 to a cursor at the beginning once a tombstone is purged', async () => {
    let cy = await signUp(t);
    // An empty feed's cursor, then this device's own write (known from its answer, not a pull).
    const empty = (await pullAll(cy)).cursor;
    await t.asUser(cy).put(doc('lists', 'x')).send({ value: 1 }).expect(200);
    await t.asUser(cy).delete(doc('lists', 'x')).expect(204);
    clock.advance(31 * DAY);
    await t.app.get(SyncPurge, { strict: false }).runOnce();
    cy = { ...cy, ...(await login(t, cy.email, cy.password)) };
    await t.asUser(cy).get('/api/v1/sync/changes').query({ since: empty }).expect(410);
  });

  it('forgets stored mutation results after their retention: only then does a retry apply again', async () => {
    let ann = await signUp(t);
    const body = {
      clientId: 'phone',
      mutations: [{ id: `m-${ann.userId}`, op: 'put', collection: 'queue', key: 'q', value: 1 }],
    };
    await t.asUser(ann).post('/api/v1/sync/mutations').send(body).expect(200);
    const stored = async () => {
      const [row] = (await t.app
        .get(DataSource)
        .query(`SELECT count(*)::int AS n FROM sync_mutations WHERE user_id = $1`, [
          ann.userId,
        ])) as Array<{ n: number }>;
      return row?.n;
    };
    expect(await stored()).toBe(1);
    clock.advance(31 * DAY);
    const report = await t.app.get(SyncPurge, { strict: false }).runOnce();
    expect(report.mutations).toBeGreaterThanOrEqual(1);
    expect(await stored()).toBe(0);
    ann = { ...ann, ...(await login(t, ann.email, ann.password)) };
    const retried = await t.asUser(ann).post('/api/v1/sync/mutations').send(body).expect(200);
    expect(retried.body.results[0]).toMatchObject({ status: 'applied', rev: 2 });
  });
});
