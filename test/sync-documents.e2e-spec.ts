import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { signUp, type SignedUp } from './support/auth.js';
import { createTestApp, type TestApp } from './support/test-app.js';

const doc = (collection: string, key: string) => `/api/v1/sync/documents/${collection}/${key}`;

describe('sync documents', () => {
  let t: TestApp;
  let ann: SignedUp;

  beforeAll(async () => {
    t = await createTestApp({ APP_ROLE: 'api' });
    ann = await signUp(t);
  });
  afterAll(() => t.close());

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

    const got = await t.asUser(ann).get(doc('settings', 'theme')).expect(200);
    expect(got.body).toEqual(put.body);
    expect(got.headers.etag).toBe('"1"');
    const unchanged = await t
      .asUser(ann)
      .get(doc('settings', 'theme'))
      .set('If-None-Match', '"1"')
      .expect(304);
    expect(unchanged.headers.etag).toBe('"1"');
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
  });
});
