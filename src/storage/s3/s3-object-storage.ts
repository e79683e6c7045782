import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { Readable } from 'node:stream';
import type { Clock } from '../../common/clock.js';
import { contentDisposition } from '../content-disposition.js';
import {
  ObjectStorage,
  type DownloadRequest,
  type SignedUpload,
  type StoredObject,
  type UploadRequest,
} from '../object-storage.js';

export interface S3StorageOptions {
  endpoint?: string;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  forcePathStyle: boolean;
  clock: Clock;
}

/** Headers of a presigned PUT that the store checks against the signature. */
const SIGNED_UPLOAD_HEADERS = new Set(['content-type', 'content-length']);

/**
 * Any S3-compatible store (AWS S3, R2, MinIO, Backblaze). The bucket stays private: clients get
 * presigned PUTs (exact Content-Type and Content-Length signed, so the store refuses other
 * headers) and short-lived presigned GETs that set the response's type and disposition.
 */
export class S3ObjectStorage extends ObjectStorage {
  readonly client: S3Client;

  constructor(private readonly options: S3StorageOptions) {
    super();
    this.client = new S3Client({
      region: options.region,
      endpoint: options.endpoint,
      forcePathStyle: options.forcePathStyle,
      credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey },
      // Since 3.729 the SDK adds a CRC32 of the (empty) body to presigned PUTs by default, and
      // S3, R2 and MinIO then refuse every real upload: checksums only where an operation needs one.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  async signUpload(request: UploadRequest): Promise<SignedUpload> {
    const signingDate = this.options.clock.now();
    const url = await getSignedUrl(
      this.client,
      new PutObjectCommand({
        Bucket: this.options.bucket,
        Key: request.key,
        ContentType: request.contentType,
        ContentLength: request.size,
      }),
      {
        expiresIn: request.expiresInSeconds,
        signingDate,
        signableHeaders: SIGNED_UPLOAD_HEADERS,
      },
    );
    return {
      method: 'PUT',
      url,
      headers: { 'Content-Type': request.contentType, 'Content-Length': String(request.size) },
      expiresAt: new Date(signingDate.getTime() + request.expiresInSeconds * 1000),
    };
  }

  signDownload(request: DownloadRequest): Promise<string> {
    return getSignedUrl(
      this.client,
      new GetObjectCommand({
        Bucket: this.options.bucket,
        Key: request.key,
        ResponseContentType: request.contentType,
        ResponseContentDisposition: contentDisposition(request.disposition, request.filename),
        ResponseCacheControl: `private, max-age=${request.expiresInSeconds}`,
      }),
      { expiresIn: request.expiresInSeconds, signingDate: this.options.clock.now() },
    );
  }

  async stat(key: string): Promise<StoredObject | null> {
    try {
      const head = await this.client.send(
        new HeadObjectCommand({ Bucket: this.options.bucket, Key: key }),
      );
      return { size: head.ContentLength ?? 0, contentType: head.ContentType };
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }

  async readHead(key: string, length: number): Promise<Buffer> {
    try {
      const object = await this.client.send(
        new GetObjectCommand({
          Bucket: this.options.bucket,
          Key: key,
          Range: `bytes=0-${length - 1}`,
        }),
      );
      const bytes = await object.Body?.transformToByteArray();
      // A store that ignores Range sends it all: keep what was asked for.
      return Buffer.from(bytes ?? []).subarray(0, length);
    } catch (error) {
      // An empty object has no byte 0: S3 answers 416.
      if (error instanceof S3ServiceException && error.$metadata.httpStatusCode === 416) {
        return Buffer.alloc(0);
      }
      throw error;
    }
  }

  async read(key: string): Promise<Readable> {
    const object = await this.client.send(
      new GetObjectCommand({ Bucket: this.options.bucket, Key: key }),
    );
    if (!(object.Body instanceof Readable)) throw new Error(`no body for ${key}`);
    return object.Body;
  }

  async write(key: string, body: Buffer | Readable, contentType: string): Promise<void> {
    if (Buffer.isBuffer(body)) {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.options.bucket,
          Key: key,
          Body: body,
          ContentType: contentType,
        }),
      );
      return;
    }
    // A stream of unknown length: multipart, a part at a time (never the whole object).
    await new Upload({
      client: this.client,
      params: { Bucket: this.options.bucket, Key: key, Body: body, ContentType: contentType },
    }).done();
  }

  async copy(from: string, to: string): Promise<void> {
    // Our keys hold only [A-Za-z0-9/._-], so the source needs no URL encoding.
    await this.client.send(
      new CopyObjectCommand({
        Bucket: this.options.bucket,
        Key: to,
        CopySource: `${this.options.bucket}/${from}`,
      }),
    );
  }

  async delete(keys: string[]): Promise<void> {
    // One request per key: DeleteObjects needs a body checksum some stores do not accept, and a
    // file has a handful of objects.
    await Promise.all(
      keys.map((key) =>
        this.client.send(new DeleteObjectCommand({ Bucket: this.options.bucket, Key: key })),
      ),
    );
  }
}

function isMissing(error: unknown): boolean {
  if (!(error instanceof S3ServiceException)) return false;
  return (
    error.name === 'NotFound' ||
    error.name === 'NoSuchKey' ||
    error.$metadata.httpStatusCode === 404
  );
}
