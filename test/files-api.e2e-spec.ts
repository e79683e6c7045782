import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { freePort } from '../src/common/free-port.js';
import { fileObjectKey } from '../src/files/index.js';
import { ObjectStorage } from '../src/storage/object-storage.js';
import { signUp, type SignedUp } from './support/auth.js';
import { PDF, PNG_1X1 } from './support/files/samples.js';
import { rawRequest } from './support/raw-http.js';
import { createTestApp, type TestApp } from './support/test-app.js';
import { waitFor } from './support/wait.js';

const API = '/api/v1';
const MB = 1024 * 1024;

interface Created {
  id: string;
  status: string;
  upload: { method: string; url: string; headers: Record<string, string> };
}

/** The files API's rules with the local driver: limits, quotas, ownership, races, bad input. */
describe('files API', () => {
  let t: TestApp;
  let dir: string;
  let storage: ObjectStorage;
  let ann: SignedUp;
  let bob: SignedUp;
  let admin: SignedUp;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'files-api-'));
    const port = await freePort();
    t = await createTestApp({
      ARGON2_MEMORY_KIB: '1024',
      ARGON2_TIME_COST: '1',
      DATA_DIR: dir,
      APP_URL: `http://127.0.0.1:${port}`,
      FILES_ATTACHMENT_MAX_BYTES: String(10 * MB),
      FILES_QUOTA_COUNT: '4',
      FILES_QUOTA_BYTES: String(15 * MB),
    });
    await t.app.listen(port, '127.0.0.1');
    storage = t.app.get(ObjectStorage);
    [ann, bob, admin] = await Promise.all([signUp(t), signUp(t), signUp(t, { role: 'admin' })]);
  });
  afterAll(async () => {
    await t?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const post = (user: SignedUp, body: unknown) =>
    t
      .asUser(user)
      .post(`${API}/files`)
      .send(body as object);
  const pdf = {
    purpose: 'attachment',
    filename: 'a.pdf',
    contentType: 'application/pdf',
    size: PDF.length,
  };
  const upload = (created: Created, bytes: Buffer) =>
    rawRequest(created.upload.url, { method: 'PUT', headers: created.upload.headers, body: bytes });
  async function readyPdf(user: SignedUp): Promise<Created> {
    const res = await post(user, pdf);
    expect(res.status).toBe(201);
    await upload(res.body, PDF);
    expect((await t.asUser(user).post(`${API}/files/${res.body.id}/complete`)).body.status).toBe(
      'ready',
    );
    return res.body as Created;
  }

  it.each([
    [
      'an avatar over 5 MB',
      { purpose: 'avatar', filename: 'a.png', contentType: 'image/png', size: 5 * MB + 1 },
      413,
      'file-too-large',
    ],
    ['an attachment over its limit', { ...pdf, size: 10 * MB + 1 }, 413, 'file-too-large'],
    ['a PDF as avatar', { ...pdf, purpose: 'avatar' }, 400, 'file-type-not-allowed'],
    ['HTML', { ...pdf, contentType: 'text/html' }, 400, 'file-type-not-allowed'],
    ['SVG', { ...pdf, contentType: 'image/svg+xml' }, 400, 'file-type-not-allowed'],
    ['JavaScript', { ...pdf, contentType: 'application/javascript' }, 400, 'file-type-not-allowed'],
    ['an unknown purpose', { ...pdf, purpose: 'backup' }, 400, 'validation-failed'],
    [
      'a type with parameters',
      { ...pdf, contentType: 'text/plain; charset=utf-8' },
      400,
      'validation-failed',
    ],
    ['size 0', { ...pdf, size: 0 }, 400, 'validation-failed'],
    ['a fractional size', { ...pdf, size: 1.5 }, 400, 'validation-failed'],
    ['a size as text', { ...pdf, size: '100' }, 400, 'validation-failed'],
    ['a huge size', { ...pdf, size: 1e300 }, 400, 'validation-failed'],
    [
      'null fields',
      { purpose: null, filename: null, contentType: null, size: null },
      400,
      'validation-failed',
    ],
    ['a long filename', { ...pdf, filename: 'x'.repeat(256) }, 400, 'validation-failed'],
  ])('refuses %s before signing anything', async (_what, body, status, code) => {
    const res = await post(ann, body);
    expect(res.status).toBe(status);
    expect(res.body.type).toBe(`urn:problem:${code}`);
  });

  it('keeps the last path segment of the filename, without control characters', async () => {
    const res = await post(ann, { ...pdf, filename: '../../etc/pass\u0007wd.pdf' });
    expect(res.status).toBe(201);
    expect(res.body.filename).toBe('passwd.pdf');
  });

  it('counts files and bytes against the quota, also for concurrent requests', async () => {
    const carl = await signUp(t);
    const results = await Promise.all(Array.from({ length: 8 }, () => post(carl, pdf)));
    expect(results.map((r) => r.status).sort()).toEqual([201, 201, 201, 201, 422, 422, 422, 422]);
    expect(results.find((r) => r.status === 422)?.body.type).toBe(
      'urn:problem:file-quota-exceeded',
    );
    // A deleted file frees its place.
    const first = results.find((r) => r.status === 201)?.body as Created;
    expect((await t.asUser(carl).delete(`${API}/files/${first.id}`)).status).toBe(204);
    expect((await post(carl, pdf)).status).toBe(201);

    const dora = await signUp(t);
    expect((await post(dora, { ...pdf, size: 8 * MB })).status).toBe(201);
    const over = await post(dora, { ...pdf, size: 8 * MB });
    expect(over.status).toBe(422);
    expect(over.body.type).toBe('urn:problem:file-quota-exceeded');
  });

  it('answers 404 for another user’s file on every route; admins may read and delete it', async () => {
    const file = await readyPdf(ann);
    const as = t.asUser(bob);
    for (const res of [
      await as.get(`${API}/files/${file.id}`),
      await as.get(`${API}/files/${file.id}/content`),
      await as.post(`${API}/files/${file.id}/complete`),
      await as.delete(`${API}/files/${file.id}`),
    ]) {
      expect(res.status).toBe(404);
      expect(res.body.type).toBe('urn:problem:file-not-found');
    }
    expect(
      (await t.asUser(bob).get(`${API}/files`)).body.data.map((f: Created) => f.id),
    ).not.toContain(file.id);
    expect((await t.asUser(admin).get(`${API}/files/${file.id}`)).status).toBe(200);
    expect((await t.asUser(admin).get(`${API}/files/${file.id}/content`)).status).toBe(302);
    expect((await t.asUser(admin).delete(`${API}/files/${file.id}`)).status).toBe(204);
    expect((await t.asUser(ann).get(`${API}/files/${file.id}`)).status).toBe(404);
  });

  it('answers 400 for a malformed id, 404 for an unknown one, 401 without a token', async () => {
    expect((await t.asUser(ann).get(`${API}/files/not-a-uuid`)).status).toBe(400);
    expect(
      (await t.asUser(ann).get(`${API}/files/00000000-0000-4000-8000-000000000000`)).status,
    ).toBe(404);
    expect((await t.http.post(`${API}/files`).send(pdf)).status).toBe(401);
    expect((await t.asUser(ann).get(`${API}/files?cursor=garbage`)).status).toBe(400);
    expect(
      (
        await t
          .asUser(ann)
          .get(`${API}/files/00000000-0000-4000-8000-000000000000/content?variant=<x>`)
      ).status,
    ).toBe(400);
  });

  it('lists my files newest first, a page at a time', async () => {
    const erin = await signUp(t);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await post(erin, pdf)).body.id);
    const first = await t.asUser(erin).get(`${API}/files?limit=2`);
    expect(first.status).toBe(200);
    expect(first.body.data.map((f: Created) => f.id)).toEqual([ids[2], ids[1]]);
    const second = await t.asUser(erin).get(`${API}/files?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body).toEqual({
      data: [expect.objectContaining({ id: ids[0] })],
      nextCursor: null,
    });
  });

  it('settles concurrent completes once: one outcome, one event', async () => {
    const res = await post(ann, {
      purpose: 'attachment',
      filename: 'p.png',
      contentType: 'image/png',
      size: PNG_1X1.length,
    });
    await upload(res.body, PNG_1X1);
    const completes = await Promise.all(
      Array.from({ length: 6 }, () => t.asUser(ann).post(`${API}/files/${res.body.id}/complete`)),
    );
    expect(completes.map((c) => [c.status, c.body.status])).toEqual(
      Array(6).fill([200, 'processing']),
    );
    const rows: Array<{ n: string }> = await t.app
      .get(DataSource)
      .query(
        `SELECT count(*) AS n FROM outbox_events WHERE type = 'files.uploaded' AND payload->>'fileId' = $1`,
        [res.body.id],
      );
    expect(Number(rows[0]?.n)).toBe(1);
  });

  it('keeps one spare avatar: a new avatar upload deletes the earlier unused one and its object', async () => {
    const fay = await signUp(t);
    const avatar = {
      purpose: 'avatar',
      filename: 'me.png',
      contentType: 'image/png',
      size: PNG_1X1.length,
    };
    const first = (await post(fay, avatar)).body as Created;
    await upload(first, PNG_1X1);
    const key = fileObjectKey(fay.userId, first.id);
    expect(await storage.stat(key)).not.toBeNull();
    const second = await post(fay, avatar);
    expect(second.status).toBe(201);
    expect((await t.asUser(fay).get(`${API}/files/${first.id}`)).status).toBe(404);
    await waitFor(async () => (await storage.stat(key)) === null, {
      what: 'the spare avatar deleted',
    });
    // Attachments are not affected.
    expect((await t.asUser(fay).get(`${API}/files`)).body.data).toHaveLength(1);
  });

  it('local signed URLs: write once, one method, no forgery', async () => {
    const res = await post(ann, pdf);
    const created = res.body as Created;
    expect((await upload(created, PDF)).status).toBe(204);
    const again = await upload(created, PDF);
    expect(again.status).toBe(409);
    expect(JSON.parse(again.body.toString()).type).toBe('urn:problem:object-already-uploaded');
    // The upload URL does not download.
    expect((await rawRequest(created.upload.url)).status).toBe(403);
    const token = new URL(created.upload.url).pathname.split('/').pop() ?? '';
    const [body, signature] = token.split('.');
    const forged = Buffer.from(
      JSON.stringify({
        ...JSON.parse(Buffer.from(body, 'base64url').toString()),
        e: 9_999_999_999,
      }),
    ).toString('base64url');
    const url = created.upload.url.replace(token, `${forged}.${signature}`);
    const refused = await rawRequest(url, {
      method: 'PUT',
      headers: created.upload.headers,
      body: PDF,
    });
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.body.toString()).type).toBe('urn:problem:signed-url-invalid');
    expect((await t.http.get(`${API}/storage/local/garbage`)).status).toBe(403);
  });
});
