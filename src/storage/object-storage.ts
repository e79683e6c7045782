import type { Readable } from 'node:stream';

/** How the client sends the bytes: a PUT with exactly these headers, or a form POST. */
export interface SignedUpload {
  method: 'PUT' | 'POST';
  url: string;
  /** PUT: headers the client must send as given (they are signed). */
  headers?: Record<string, string>;
  /** POST: form fields to send before the file field. */
  fields?: Record<string, string>;
  expiresAt: Date;
}

export interface UploadRequest {
  key: string;
  contentType: string;
  /** Exact size in bytes: signed into the PUT, or the POST policy's content-length-range. */
  size: number;
  expiresInSeconds: number;
}

export interface DownloadRequest {
  key: string;
  expiresInSeconds: number;
  /** Sent back as Content-Type and Content-Disposition (attachment or inline), with nosniff. */
  contentType: string;
  filename: string;
  disposition: 'inline' | 'attachment';
}

export interface StoredObject {
  size: number;
  contentType?: string;
}

/**
 * Object storage, the port: the files module and the users module (avatar URLs) depend on this
 * abstract class; the adapters are S3 (any S3-compatible store) and the local disk (development,
 * one instance). The bucket/folder stays private: every access goes through a signed URL.
 */
export abstract class ObjectStorage {
  abstract signUpload(request: UploadRequest): Promise<SignedUpload>;
  abstract signDownload(request: DownloadRequest): Promise<string>;
  /** The stored object's size and type, or null when there is none. */
  abstract stat(key: string): Promise<StoredObject | null>;
  /** Bytes [0, length) of the object (fewer if it is shorter): magic-number checks. */
  abstract readHead(key: string, length: number): Promise<Buffer>;
  /** The whole object as a stream (never buffered whole). */
  abstract read(key: string): Promise<Readable>;
  abstract write(key: string, body: Buffer | Readable, contentType: string): Promise<void>;
  /**
   * Copies an object inside the store (server-side: the bytes never pass through us), replacing
   * what `to` held. The files module moves checked bytes to a key no client has a URL for.
   */
  abstract copy(from: string, to: string): Promise<void>;
  /** Deletes the objects; missing ones are not an error (idempotent). */
  abstract delete(keys: string[]): Promise<void>;
}
