import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { link, mkdir, open, rename, rm, rmdir, stat, unlink } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Clock } from '../../common/clock.js';
import {
  ObjectStorage,
  type DownloadRequest,
  type SignedUpload,
  type StoredObject,
  type UploadRequest,
} from '../object-storage.js';
import { SignedToken, type SignedGrant } from './signed-token.js';

/** The API's own route that local signed URLs point at (see LocalStorageController). */
export const LOCAL_STORAGE_ROUTE = '/api/v1/storage/local';

/** Keys are ours (`files/<owner>/<file>/<name>`), but a path never leaves the folder anyway. */
const SAFE_KEY = /^[A-Za-z0-9_-]+(\/[A-Za-z0-9_][A-Za-z0-9._-]*)*$/;

export type LocalRefusal =
  | 'malformed'
  | 'bad-signature'
  | 'wrong-method'
  | 'expired'
  | 'content-type-mismatch'
  | 'content-length-mismatch'
  | 'already-uploaded'
  | 'not-found';

/** A request the signed URL does not allow; the controller turns it into a problem. */
export class LocalStorageRefusal extends Error {
  constructor(readonly reason: LocalRefusal) {
    super(reason);
  }
}

export interface LocalDownload {
  grant: Extract<SignedGrant, { method: 'GET' }>;
  size: number;
  body: Readable;
}

export interface LocalStorageOptions {
  directory: string;
  /** APP_URL: signed URLs are absolute, for a client that only knows what we send it. */
  publicUrl: string;
  signingSecret: string;
  clock: Clock;
}

/**
 * Development driver: objects are files under DATA_DIR/files; clients upload and download through
 * the API's own signed routes. Bytes stream to and from disk (never a whole file in memory). One
 * instance only: another instance would not see the disk.
 */
export class LocalObjectStorage extends ObjectStorage {
  private readonly root: string;
  private readonly tokens: SignedToken;

  constructor(private readonly options: LocalStorageOptions) {
    super();
    this.root = resolve(options.directory);
    this.tokens = new SignedToken(options.signingSecret);
  }

  async signUpload(request: UploadRequest): Promise<SignedUpload> {
    this.pathOf(request.key);
    const expires = this.nowSeconds() + request.expiresInSeconds;
    const token = this.tokens.sign({
      method: 'PUT',
      key: request.key,
      expires,
      contentType: request.contentType,
      size: request.size,
    });
    return {
      method: 'PUT',
      url: this.urlOf(token),
      headers: { 'Content-Type': request.contentType, 'Content-Length': String(request.size) },
      expiresAt: new Date(expires * 1000),
    };
  }

  async signDownload(request: DownloadRequest): Promise<string> {
    this.pathOf(request.key);
    const token = this.tokens.sign({
      method: 'GET',
      key: request.key,
      expires: this.nowSeconds() + request.expiresInSeconds,
      contentType: request.contentType,
      filename: request.filename,
      disposition: request.disposition,
    });
    return this.urlOf(token);
  }

  async stat(key: string): Promise<StoredObject | null> {
    try {
      const found = await stat(this.pathOf(key));
      return found.isFile() ? { size: found.size } : null;
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }

  async readHead(key: string, length: number): Promise<Buffer> {
    const handle = await open(this.pathOf(key), 'r');
    try {
      const buffer = Buffer.alloc(length);
      const { bytesRead } = await handle.read(buffer, 0, length, 0);
      return buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  }

  async read(key: string): Promise<Readable> {
    const path = this.pathOf(key);
    await stat(path);
    return createReadStream(path);
  }

  async write(key: string, body: Buffer | Readable, _contentType: string): Promise<void> {
    const path = this.pathOf(key);
    const temporary = await this.temporaryBeside(path);
    try {
      await pipeline(
        Buffer.isBuffer(body) ? Readable.from([body]) : body,
        createWriteStream(temporary),
      );
      await rm(path, { force: true });
      await link(temporary, path);
    } finally {
      await rm(temporary, { force: true });
    }
  }

  /** A hard link (no bytes copied), put in place with an atomic rename. */
  async copy(from: string, to: string): Promise<void> {
    const source = this.pathOf(from);
    const target = this.pathOf(to);
    const temporary = await this.temporaryBeside(target);
    try {
      await link(source, temporary);
      await rename(temporary, target);
    } finally {
      await rm(temporary, { force: true });
    }
  }

  async delete(keys: string[]): Promise<void> {
    const paths = keys.map((key) => this.pathOf(key));
    await Promise.all(paths.map((path) => rm(path, { force: true })));
    // The file's folder goes with its last object (rmdir refuses a folder that is not empty).
    const folders = new Set(paths.map((path) => dirname(path)));
    await Promise.all([...folders].map((folder) => rmdir(folder).catch(() => undefined)));
  }

  /**
   * A PUT to a signed URL: the exact signed Content-Type and Content-Length, streamed to a
   * temporary file, then linked into place only if no object is there yet (write-once: bytes
   * checked at complete cannot be swapped afterwards with a URL that has not expired).
   */
  async acceptUpload(
    token: string,
    headers: { contentType?: string; contentLength?: string },
    body: Readable,
  ): Promise<void> {
    const grant = this.grantFor(token, 'PUT');
    if (grant.method !== 'PUT') throw new LocalStorageRefusal('wrong-method');
    if ((headers.contentType ?? '').trim().toLowerCase() !== grant.contentType.toLowerCase()) {
      throw new LocalStorageRefusal('content-type-mismatch');
    }
    if (headers.contentLength !== String(grant.size)) {
      throw new LocalStorageRefusal('content-length-mismatch');
    }
    const path = this.pathOf(grant.key);
    const temporary = await this.temporaryBeside(path);
    try {
      await pipeline(body, limitTo(grant.size), createWriteStream(temporary, { flags: 'wx' }));
      if ((await stat(temporary)).size !== grant.size) {
        throw new LocalStorageRefusal('content-length-mismatch');
      }
      await link(temporary, path).catch((error: unknown) => {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
          throw new LocalStorageRefusal('already-uploaded');
        }
        throw error;
      });
    } finally {
      await unlink(temporary).catch(() => undefined);
    }
  }

  /** A GET of a signed URL: the object as a stream, with the headers the grant names. */
  async openDownload(token: string): Promise<LocalDownload> {
    const grant = this.grantFor(token, 'GET');
    if (grant.method !== 'GET') throw new LocalStorageRefusal('wrong-method');
    const found = await this.stat(grant.key);
    if (!found) throw new LocalStorageRefusal('not-found');
    return { grant, size: found.size, body: createReadStream(this.pathOf(grant.key)) };
  }

  private grantFor(token: string, method: 'PUT' | 'GET'): SignedGrant {
    const check = this.tokens.verify(token, method, this.nowSeconds());
    if (!check.ok) throw new LocalStorageRefusal(check.reason);
    if (!SAFE_KEY.test(check.grant.key)) throw new LocalStorageRefusal('malformed');
    return check.grant;
  }

  private pathOf(key: string): string {
    if (!SAFE_KEY.test(key)) throw new Error(`unsafe storage key ${JSON.stringify(key)}`);
    return join(this.root, ...key.split('/'));
  }

  private async temporaryBeside(path: string): Promise<string> {
    await mkdir(dirname(path), { recursive: true });
    return `${path}.${randomBytes(8).toString('hex')}.part`;
  }

  private urlOf(token: string): string {
    return `${this.options.publicUrl}${LOCAL_STORAGE_ROUTE}/${token}`;
  }

  private nowSeconds(): number {
    return Math.floor(this.options.clock.now().getTime() / 1000);
  }
}

/** Fails the stream past `max` bytes (Node's parser already holds a body to Content-Length). */
function limitTo(max: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.length;
      if (seen > max) return done(new LocalStorageRefusal('content-length-mismatch'));
      done(null, chunk);
    },
  });
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
