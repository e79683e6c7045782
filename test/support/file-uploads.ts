import { randomUUID } from 'node:crypto';
import { crc32, deflateSync } from 'node:zlib';
import type { INestApplicationContext } from '@nestjs/common';
import sharp from 'sharp';
import { DataSource } from 'typeorm';
import { ObjectStorage } from '../../src/storage/object-storage.js';
import type { TestApp } from './test-app.js';
import type { Signed } from './http-client.js';

export interface UploadInput {
  purpose: 'avatar' | 'attachment';
  contentType: string;
  bytes: Buffer;
  filename?: string;
}

/** The three steps a client takes: create, PUT the bytes to upload.url, complete. */
export async function uploadAndComplete(t: TestApp, user: Signed, input: UploadInput) {
  const id = await uploadOnly(t, user, input);
  const completed = await t.asUser(user).post(`/api/v1/files/${id}/complete`).expect(200);
  return completed.body as { id: string; status: string };
}

/** Create and upload, no complete: the pending upload the sweeper is for. */
export async function uploadOnly(t: TestApp, user: Signed, input: UploadInput): Promise<string> {
  const created = await t
    .asUser(user)
    .post('/api/v1/files')
    .send({
      purpose: input.purpose,
      filename: input.filename ?? 'picture',
      contentType: input.contentType,
      size: input.bytes.length,
    })
    .expect(201);
  const upload = created.body.upload as { url: string; headers: Record<string, string> };
  let put = t.http.put(pathOf(upload.url));
  for (const [name, value] of Object.entries(upload.headers)) put = put.set(name, value);
  await put.send(input.bytes).expect(204);
  return created.body.id as string;
}

/** The local driver's absolute URLs, as a path for supertest. */
export const pathOf = (url: string): string => {
  const parsed = new URL(url);
  return `${parsed.pathname}${parsed.search}`;
};

export const jpegWithGps = (width = 640, height = 480): Promise<Buffer> =>
  sharp({ create: { width, height, channels: 3, background: '#3a6ea5' } })
    .jpeg()
    .withExif({
      IFD0: { Make: 'TestCam', Model: 'Leaky 1' },
      IFD3: {
        GPSLatitudeRef: 'N',
        GPSLatitude: '48/1 51/1 24/1',
        GPSLongitudeRef: 'E',
        GPSLongitude: '2/1 21/1 3/1',
      },
    })
    .toBuffer();

export const png = (width = 300, height = 200): Promise<Buffer> =>
  sharp({ create: { width, height, channels: 4, background: '#ff880080' } })
    .png()
    .toBuffer();

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body) >>> 0);
  return Buffer.concat([length, body, crc]);
}

/**
 * A decompression bomb: a valid PNG of a few kilobytes whose header declares 50,000 × 50,000
 * RGB pixels (7.5 GB decoded); its IDAT holds a deflated run of zeros, CRCs correct.
 */
export function pngBomb(side = 50_000): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(side, 0);
  header.writeUInt32BE(side, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // colour type: RGB
  // A few rows' worth of zeros (filter byte + 3 bytes per pixel each), deflated to a few KB.
  const rows = Buffer.alloc((side * 3 + 1) * 16);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(rows, { level: 9 })),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/**
 * A file waiting for the worker, as complete leaves it, but without its `files.uploaded` event:
 * the test then drives ImageProcessing itself (two workers at once). Fixture setup only.
 */
export async function insertProcessingFile(
  app: INestApplicationContext,
  ownerId: string,
  input: Omit<UploadInput, 'filename'>,
): Promise<{ id: string; storageKey: string }> {
  const id = randomUUID();
  const storageKey = `files/${ownerId}/${id}/original`;
  await app.get(ObjectStorage).write(storageKey, input.bytes, input.contentType);
  await app.get(DataSource).query(
    `INSERT INTO files (id, owner_id, purpose, status, filename, content_type, size, storage_key,
                        completed_at)
     VALUES ($1, $2, $3, 'processing', 'fixture', $4, $5, $6, now())`,
    [id, ownerId, input.purpose, input.contentType, input.bytes.length, storageKey],
  );
  return { id, storageKey };
}

/** Outbox rows asking for the deletion of this object key. */
export async function deletionEventsFor(app: INestApplicationContext, key: string) {
  const rows: Array<{ n: string }> = await app.get(DataSource).query(
    `SELECT count(*) AS n FROM outbox_events
      WHERE type = 'files.deleted' AND payload->'keys' ? $1`,
    [key],
  );
  return Number(rows[0]?.n ?? 0);
}
