import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { signUp, type SignedUp } from './support/auth.js';
import { createTestApp, type TestApp } from './support/test-app.js';

const doc = (collection: string, key: string) => `/api/v1/sync/documents/${collection}/${key}`;

describe('sync documents', () => {
  let t: TestApp;
  let ann: SignedUp;
  let bob: SignedUp;
  let other: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ APP_ROLE: 'api', CORS_ORIGINS: 'https://app.example' });
    other = await createTestApp({ APP_ROLE: 'api' });
    [ann, bob] = await Promise.all([signUp(t), signUp(t)]);
  });
  afterAll(async () => {
    await t.close();
    await other.close();
  });

  it('puts, gets with its ETag, answers 304 to a current If-None-Match, lists and deletes', async () => {
    const put = await t
      .asUser(ann)
      .put(doc('settings', 'theme'))
      .send({ value: { mode: 'dark' } })
      .expect(200);
    expect(put.body).toMatchObject({
      collection: 'settings',
      key: 'theme',
      rev: 1,
      value: { mode: 'dark' },
    });
    expect(put.headers.etag).toBe('"1"');

    const got = await t
      .asUser(ann)
      .get(doc('settings', 'theme'))
      .set('Origin', 'https://app.example')
      .expect(200);
    expect(got.body).toEqual(put.body);
    expect(got.headers.etag).toBe('"1"');
    // A web page may read it, to send it back in If-Match.
    expect(got.headers['access-control-expose-headers']).toMatch(/\bETag\b/);
    const unchanged = await t
      .asUser(ann)
      .get(doc('settings', 'theme'))
      .set('If-None-Match', '"1"')
      .expect(304);
    expect(unchanged.headers.etag).toBe('"1"');
    expect(unchanged.text).toBe('');
    await t.asUser(ann).get(doc('settings', 'theme')).set('If-None-Match', '"0"').expect(200);

    const second = await t
      .asUser(ann)
      .put(doc('settings', 'theme'))
      .send({ value: 'light' })
      .expect(200);
    expect(second.body.rev).toBe(2);
    await t
      .asUser(ann)
      .put(doc('settings', 'lang'))
      .send({ value: ['de', 1.5, true] })
      .expect(200);

    const list = await t.asUser(ann).get('/api/v1/sync/documents/settings').expect(200);
    expect(list.body.data.map((d: { key: string }) => d.key)).toEqual(['lang', 'theme']);
    expect(list.body.data[0].value).toEqual(['de', 1.5, true]);
    expect(list.body.nextCursor).toBeNull();

    await t.asUser(ann).delete(doc('settings', 'theme')).expect(204);
    await t.asUser(ann).get(doc('settings', 'theme')).expect(404);
    await t.asUser(ann).delete(doc('settings', 'theme')).expect(404);
    const after = await t.asUser(ann).get('/api/v1/sync/documents/settings').expect(200);
    expect(after.body.data.map((d: { key: string }) => d.key)).toEqual(['lang']);

    // Put back after a delete: the rev goes on from the tombstone's.
    const back = await t.asUser(ann).put(doc('settings', 'theme')).send({ value: 1 }).expect(200);
    expect(back.body.rev).toBe(4);
  });

  it('pages a collection in key order', async () => {
    const keys = ['k05', 'k01', 'k04', 'k02', 'k03'];
    for (const key of keys) await t.asUser(ann).put(doc('paged', key)).send({ value: key });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { body: { data: Array<{ key: string }>; nextCursor: string | null } } = await t
        .asUser(ann)
        .get('/api/v1/sync/documents/paged')
        .query({ limit: 2, ...(cursor ? { cursor } : {}) })
        .expect(200);
      seen.push(...res.body.data.map((d) => d.key));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['k01', 'k02', 'k03', 'k04', 'k05']);
    const bad = await t
      .asUser(ann)
      .get('/api/v1/sync/documents/paged')
      .query({ cursor: 'not-a-cursor' })
      .expect(400);
    expect(bad.body.type).toBe('urn:problem:invalid-cursor');
  });

  it('If-Match writes only over that rev; 412 carries the current document', async () => {
    const path = doc('drafts', 'note');
    await t
      .asUser(ann)
      .put(path)
      .send({ value: { text: 'v1' } })
      .expect(200);
    await t
      .asUser(ann)
      .put(path)
      .set('If-Match', '"1"')
      .send({ value: { text: 'v2' } })
      .expect(200);

    const stale = await t
      .asUser(ann)
      .put(path)
      .set('If-Match', '"1"')
      .send({ value: { text: 'lost' } })
      .expect(412);
    expect(stale.body.type).toBe('urn:problem:sync-precondition-failed');
    expect(stale.body.current).toMatchObject({
      collection: 'drafts',
      key: 'note',
      rev: 2,
      value: { text: 'v2' },
      deleted: false,
    });
    await t.asUser(ann).put(path).set('If-Match', '"9", W/"2"').send({ value: 3 }).expect(200);
    await t.asUser(ann).put(path).set('If-Match', '*').send({ value: 4 }).expect(200);

    const staleDelete = await t.asUser(ann).delete(path).set('If-Match', '"1"').expect(412);
    expect(staleDelete.body.current.rev).toBe(4);
    await t.asUser(ann).delete(path).set('If-Match', '"4"').expect(204);
    // A deleted document matches no If-Match: the 412 shows the tombstone.
    const gone = await t
      .asUser(ann)
      .put(path)
      .set('If-Match', '"5"')
      .send({ value: 1 })
      .expect(412);
    expect(gone.body.current).toMatchObject({ rev: 5, deleted: true, value: null });
    const never = await t
      .asUser(ann)
      .put(doc('drafts', 'never'))
      .set('If-Match', '"1"')
      .send({ value: 1 })
      .expect(412);
    expect(never.body.current).toBeNull();
  });

  it('If-None-Match: * creates only', async () => {
    const path = doc('drafts', 'create-only');
    const created = await t
      .asUser(ann)
      .put(path)
      .set('If-None-Match', '*')
      .send({ value: 'first' })
      .expect(200);
    expect(created.body.rev).toBe(1);
    const again = await t
      .asUser(ann)
      .put(path)
      .set('If-None-Match', '*')
      .send({ value: 'second' })
      .expect(412);
    expect(again.body.current.value).toBe('first');
    await t.asUser(ann).delete(path).expect(204);
    await t.asUser(ann).put(path).set('If-None-Match', '*').send({ value: 'again' }).expect(200);
  });

  it('refuses malformed conditional headers with a 400 problem', async () => {
    const path = doc('drafts', 'headers');
    for (const headers of [
      { 'If-Match': '1' },
      { 'If-None-Match': '"1"' },
      { 'If-Match': '"1"', 'If-None-Match': '*' },
    ]) {
      const res = await t.asUser(ann).put(path).set(headers).send({ value: 1 }).expect(400);
      expect(res.body.type).toBe('urn:problem:sync-invalid-precondition');
    }
  });

  it('20 concurrent If-Match PUTs on one document: exactly one applied, 19 × 412', async () => {
    const path = doc('race', 'counter');
    await t.asUser(ann).put(path).send({ value: 0 }).expect(200);
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        t
          .asUser(ann)
          .put(path)
          .set('If-Match', '"1"')
          .send({ value: i + 1 }),
      ),
    );
    const statuses = answers.map((res) => res.status).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 412)).toHaveLength(19);
    const winner = answers.find((res) => res.status === 200);
    const now = await t.asUser(ann).get(path).expect(200);
    expect(now.body).toMatchObject({ rev: 2, value: winner?.body.value });
    for (const loser of answers.filter((res) => res.status === 412))
      expect(loser.body.current.rev).toBe(2);
  });

  it("another user's documents do not exist for you", async () => {
    const path = doc('private', 'diary');
    await t.asUser(ann).put(path).send({ value: 'secret' }).expect(200);
    await t.asUser(bob).get(path).expect(404);
    await t.asUser(bob).delete(path).expect(404);
    const list = await t.asUser(bob).get('/api/v1/sync/documents/private').expect(200);
    expect(list.body.data).toEqual([]);
    // Bob's own document of the same name is his, and leaves Ann's alone.
    const own = await t.asUser(bob).put(path).send({ value: 'mine' }).expect(200);
    expect(own.body.rev).toBe(1);
    expect((await t.asUser(ann).get(path).expect(200)).body.value).toBe('secret');
    await t.http.get(path).expect(401);
  });

  it('refuses bad input with 4xx problems, never a 500', async () => {
    const path = doc('input', 'k');
    const cases: Array<{ body: unknown; status: number; type: string }> = [
      { body: { value: null }, status: 400, type: 'validation-failed' },
      { body: {}, status: 400, type: 'validation-failed' },
      { body: { value: 1, extra: true }, status: 400, type: 'validation-failed' },
      { body: { value: { constructor: 1 } }, status: 400, type: 'validation-failed' },
      { body: { value: 'a\u0000b' }, status: 400, type: 'invalid-text' },
      { body: { value: nested(200) }, status: 400, type: 'input-too-complex' },
      { body: { value: 'x'.repeat(70_000) }, status: 413, type: 'sync-value-too-large' },
      { body: { value: 'x'.repeat(200_000) }, status: 413, type: 'body-too-large' },
    ];
    for (const { body, status, type } of cases) {
      const res = await t
        .asUser(ann)
        .put(path)
        .send(body as object);
      expect([res.status, res.body.type]).toEqual([status, `urn:problem:${type}`]);
    }
    const raw = await t
      .asUser(ann)
      .put(path)
      .set('Content-Type', 'application/json')
      .send('{"value": 1e400}');
    expect([raw.status, raw.body.type]).toEqual([400, 'urn:problem:validation-failed']);
    const notJson = await t.asUser(ann).put(path).set('Content-Type', 'application/json').send('[');
    expect(notJson.status).toBe(400);
    for (const bad of [doc('Upper', 'k'), doc('x'.repeat(65), 'k'), doc('ok', 'k'.repeat(129))]) {
      const res = await t.asUser(ann).put(bad).send({ value: 1 }).expect(400);
      expect(res.body.type).toBe('urn:problem:validation-failed');
    }
    const badKey = await t.asUser(ann).get(`/api/v1/sync/documents/ok/a%20b`).expect(400);
    expect(badKey.body.errors[0].field).toBe('key');
    await t.asUser(ann).get('/api/v1/sync/documents/a.b').expect(400);
  });

  it('takes a value right at the size limit, sent with escapes and spaces', async () => {
    // 64 KiB of JSON text as stored (the quotes count), sent with some characters escaped.
    const value = 'é'.repeat((64 * 1024 - 2) / 2);
    const escaped = JSON.stringify(value).replace(/é{1000}/, '\\u00e9'.repeat(1000));
    const body = `{\n  "value" :   ${escaped}\n}`;
    const res = await t
      .asUser(ann)
      .put(doc('input', 'at-limit'))
      .set('Content-Type', 'application/json')
      .send(body)
      .expect(200);
    expect(res.body.value).toBe(value);
  });
});

/** `[[[…1…]]]` nested `depth` levels. */
function nested(depth: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}
