import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplicationContext } from '@nestjs/common';
import sharp from 'sharp';
import { ImageProcessing } from '../src/files/worker/image-processing.js';
import { ObjectStorage } from '../src/storage/object-storage.js';
import { signUp } from './support/auth.js';
import {
  deletionEventsFor,
  insertProcessingFile,
  jpegWithGps,
  pathOf,
  png,
  pngBomb,
  uploadAndComplete,
} from './support/file-uploads.js';
import { createTestApp, createTestWorker, type TestApp } from './support/test-app.js';
import { waitFor } from './support/wait.js';

interface FileBody {
  id: string;
  status: string;
  storageKey?: string;
  rejectionReason: string | null;
  contentType: string;
  variants: Array<{ name: string; contentType: string; width: number; height: number }>;
}

async function readAll(app: INestApplicationContext, key: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of await app.get(ObjectStorage).read(key)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The worker's image processing: variants, cleaning, hostile images, one claim per file. */
describe('files: image processing', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  async function settled(user: { accessToken: string }, id: string): Promise<FileBody> {
    return waitFor(
      async () => {
        const res = await t.asUser(user).get(`/api/v1/files/${id}`).expect(200);
        return res.body.status === 'processing' || res.body.status === 'pending'
          ? null
          : (res.body as FileBody);
      },
      { what: `file ${id} processed` },
    );
  }

  it('makes the avatar sizes as WebP squares and serves them', async () => {
    const user = await signUp(t);
    const completed = await uploadAndComplete(t, user, {
      purpose: 'avatar',
      contentType: 'image/png',
      bytes: await png(300, 200),
    });
    expect(completed.status).toBe('processing');
    const file = await settled(user, completed.id);
    expect(file.status).toBe('ready');
    expect(file.variants.map((v) => [v.name, v.contentType, v.width, v.height])).toEqual([
      ['square-64', 'image/webp', 64, 64],
      ['square-256', 'image/webp', 256, 256],
      ['square-512', 'image/webp', 512, 512],
    ]);
    const redirect = await t
      .asUser(user)
      .get(`/api/v1/files/${file.id}/content?variant=square-64`)
      .expect(302);
    const download = await t.http.get(pathOf(redirect.headers.location as string)).expect(200);
    expect(download.headers['content-type']).toBe('image/webp');
    expect(download.headers['x-content-type-options']).toBe('nosniff');
    const meta = await sharp(download.body as Buffer).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['webp', 64, 64]);
  });

  it('strips EXIF and GPS: the served original and every variant carry no metadata', async () => {
    const user = await signUp(t);
    const bytes = await jpegWithGps();
    expect((await sharp(bytes).metadata()).exif).toBeDefined();
    const completed = await uploadAndComplete(t, user, {
      purpose: 'avatar',
      contentType: 'image/jpeg',
      bytes,
    });
    const file = await settled(user, completed.id);
    expect(file.status).toBe('ready');
    for (const variant of [undefined, ...file.variants.map((v) => v.name)]) {
      const query = variant ? `?variant=${variant}` : '';
      const redirect = await t
        .asUser(user)
        .get(`/api/v1/files/${file.id}/content${query}`)
        .expect(302);
      const body = (await t.http.get(pathOf(redirect.headers.location as string)).expect(200))
        .body as Buffer;
      const meta = await sharp(body).metadata();
      expect(meta.exif).toBeUndefined();
      expect(meta.xmp).toBeUndefined();
      expect(meta.iptc).toBeUndefined();
      expect(body.includes(Buffer.from('TestCam'))).toBe(false);
    }
    // The uploaded bytes themselves are deleted (by the worker, through the outbox).
    const original = `files/${user.userId}/${file.id}/original`;
    await waitFor(async () => (await t.app.get(ObjectStorage).stat(original)) === null, {
      what: 'the uploaded original deleted',
    });
  });

  it('rejects a decompression bomb from its header and deletes its bytes', async () => {
    const user = await signUp(t);
    const bomb = pngBomb();
    expect(bomb.length).toBeLessThan(64 * 1024);
    const completed = await uploadAndComplete(t, user, {
      purpose: 'avatar',
      contentType: 'image/png',
      bytes: bomb,
    });
    const file = await settled(user, completed.id);
    expect([file.status, file.rejectionReason]).toEqual(['rejected', 'image-too-many-pixels']);
    expect(file.variants).toEqual([]);
    const original = `files/${user.userId}/${file.id}/original`;
    await waitFor(async () => (await t.app.get(ObjectStorage).stat(original)) === null, {
      what: 'the bomb deleted',
    });
    await t.asUser(user).get(`/api/v1/files/${file.id}/content`).expect(409);
  });

  it('rejects a truncated image and never serves it', async () => {
    const user = await signUp(t);
    const whole = await jpegWithGps(800, 600);
    const completed = await uploadAndComplete(t, user, {
      purpose: 'attachment',
      contentType: 'image/jpeg',
      bytes: whole.subarray(0, Math.floor(whole.length / 2)),
    });
    const file = await settled(user, completed.id);
    expect([file.status, file.rejectionReason]).toEqual(['rejected', 'image-undecodable']);
    const problem = await t.asUser(user).get(`/api/v1/files/${file.id}/content`).expect(409);
    expect(problem.body.type).toBe('urn:problem:file-not-ready');
  });

  it('re-encodes an image attachment in its own type, without variants', async () => {
    const user = await signUp(t);
    const completed = await uploadAndComplete(t, user, {
      purpose: 'attachment',
      contentType: 'image/jpeg',
      bytes: await jpegWithGps(120, 90),
    });
    const file = await settled(user, completed.id);
    expect([file.status, file.contentType, file.variants]).toEqual(['ready', 'image/jpeg', []]);
  });
});

describe('files: two workers, one claim', () => {
  let t: TestApp;
  let workerA: INestApplicationContext;
  let workerB: INestApplicationContext;

  beforeAll(async () => {
    t = await createTestApp({ APP_ROLE: 'api' });
    [workerA, workerB] = await Promise.all([createTestWorker(), createTestWorker()]);
  });
  afterAll(async () => {
    await Promise.all([t.close(), workerA.close(), workerB.close()]);
  });

  it('processes a file once when two workers take it at the same moment', async () => {
    const user = await signUp(t);
    const results: string[] = [];
    const files: Array<{ id: string; storageKey: string }> = [];
    for (let i = 0; i < 5; i++) {
      const file = await insertProcessingFile(t.app, user.userId, {
        purpose: 'avatar',
        contentType: 'image/png',
        bytes: await png(200 + i, 200),
      });
      files.push(file);
      results.push(
        ...(await Promise.all([
          workerA.get(ImageProcessing).process(file.id),
          workerB.get(ImageProcessing).process(file.id),
        ])),
      );
    }
    // Per file exactly one 'ready' and one 'skipped', whichever worker won.
    for (let i = 0; i < files.length; i++) {
      expect([results[2 * i], results[2 * i + 1]].sort()).toEqual(['ready', 'skipped']);
    }
    for (const file of files) {
      // One settlement: the uploaded bytes are scheduled for deletion once.
      expect(await deletionEventsFor(t.app, file.storageKey)).toBe(1);
      const res = await t.asUser(user).get(`/api/v1/files/${file.id}`).expect(200);
      expect(res.body.status).toBe('ready');
      // A late duplicate delivery of files.uploaded changes nothing.
      expect(await workerA.get(ImageProcessing).process(file.id)).toBe('skipped');
    }
    const clean = await readAll(t.app, `files/${user.userId}/${files[0]!.id}/clean`);
    expect((await sharp(clean).metadata()).width).toBe(200);
  });

  it('rejects a file whose object vanished instead of retrying forever', async () => {
    const user = await signUp(t);
    const file = await insertProcessingFile(t.app, user.userId, {
      purpose: 'avatar',
      contentType: 'image/png',
      bytes: await png(20, 20),
    });
    await t.app.get(ObjectStorage).delete([file.storageKey]);
    expect(await workerA.get(ImageProcessing).process(file.id)).toBe('rejected');
    const res = await t.asUser(user).get(`/api/v1/files/${file.id}`).expect(200);
    expect([res.body.status, res.body.rejectionReason]).toEqual([
      'rejected',
      'image-object-missing',
    ]);
  });
});
