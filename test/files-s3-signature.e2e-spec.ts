import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { ManualClock } from '../src/common/clock.js';
import { signUp, type SignedUp } from './support/auth.js';
import { createTestApp, type TestApp } from './support/test-app.js';

const API = '/api/v1';
const REGION = 'eu-west-3';
const CREDENTIALS = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
};
const ENDPOINT = 'https://storage.example.test';

/**
 * The presigned PUT as a store that verifies signatures (S3, R2, MinIO) sees it: recomputed here
 * with @smithy/signature-v4 from the same credentials, it matches only for the exact signed
 * Content-Type and Content-Length, and it carries no checksum of an empty body (the SDK default
 * since 3.729, which makes every real upload fail). No store is needed: presigning is local.
 */
describe('S3 presigned upload URLs (SigV4)', () => {
  let t: TestApp;
  let ann: SignedUp;
  const clock = new ManualClock(new Date());
  const signer = new SignatureV4({
    service: 's3',
    region: REGION,
    credentials: CREDENTIALS,
    sha256: Sha256,
    // S3 signs the path as sent, not escaped twice.
    uriEscapePath: false,
  });

  beforeAll(async () => {
    t = await createTestApp(
      {
        ARGON2_MEMORY_KIB: '1024',
        ARGON2_TIME_COST: '1',
        STORAGE_DRIVER: 's3',
        S3_ENDPOINT: ENDPOINT,
        S3_REGION: REGION,
        S3_BUCKET: 'uploads',
        S3_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
        S3_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
        S3_FORCE_PATH_STYLE: 'true',
      },
      { clock },
    );
    ann = await signUp(t);
  });
  afterAll(async () => {
    await t?.close();
  });

  /** The signature a verifying store computes for a PUT of `url` sent with these headers. */
  async function expectedSignature(url: URL, headers: Record<string, string>): Promise<string> {
    const query: Record<string, string> = {};
    for (const [name, value] of url.searchParams) {
      if (
        ![
          'X-Amz-Signature',
          'X-Amz-Credential',
          'X-Amz-Date',
          'X-Amz-Expires',
          'X-Amz-SignedHeaders',
          'X-Amz-Algorithm',
          'X-Amz-Content-Sha256',
        ].includes(name)
      ) {
        query[name] = value;
      }
    }
    const amzDate = url.searchParams.get('X-Amz-Date') ?? '';
    const signingDate = new Date(
      `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`,
    );
    const presigned = await signer.presign(
      {
        method: 'PUT',
        protocol: url.protocol,
        hostname: url.hostname,
        path: decodeURIComponent(url.pathname),
        query,
        // The SDK signs S3 presigned requests with an unsigned payload (the query says so).
        headers: { host: url.host, 'X-Amz-Content-Sha256': 'UNSIGNED-PAYLOAD', ...headers },
      },
      {
        signingDate,
        expiresIn: Number(url.searchParams.get('X-Amz-Expires')),
        signableHeaders: new Set(['content-type', 'content-length']),
      },
    );
    return String(presigned.query?.['X-Amz-Signature']);
  }

  it('signs exactly Content-Type and Content-Length, with no checksum, and only those values verify', async () => {
    const res = await t
      .asUser(ann)
      .post(`${API}/files`)
      .send({ purpose: 'avatar', filename: 'me.png', contentType: 'image/png', size: 48213 });
    expect(res.status).toBe(201);
    const upload = res.body.upload as {
      method: string;
      url: string;
      headers: Record<string, string>;
    };
    expect(upload.method).toBe('PUT');
    const url = new URL(upload.url);
    expect(url.origin).toBe(ENDPOINT);
    expect(url.pathname).toBe(`/uploads/files/${ann.userId}/${res.body.id}/original`);

    const names = [...url.searchParams.keys()].map((n) => n.toLowerCase());
    expect(names).not.toContain('x-amz-checksum-crc32');
    expect(names).not.toContain('x-amz-sdk-checksum-algorithm');
    expect(names.filter((n) => n.startsWith('x-amz-checksum'))).toEqual([]);
    expect(url.searchParams.get('X-Amz-SignedHeaders')?.split(';')).toEqual([
      'content-length',
      'content-type',
      'host',
    ]);
    expect(url.searchParams.get('X-Amz-Credential')).toMatch(
      new RegExp(`^${CREDENTIALS.accessKeyId}/\\d{8}/${REGION}/s3/aws4_request$`),
    );
    expect(Number(url.searchParams.get('X-Amz-Expires'))).toBe(900);

    const given = url.searchParams.get('X-Amz-Signature');
    const signed = { 'content-type': 'image/png', 'content-length': '48213' };
    expect(await expectedSignature(url, signed)).toBe(given);
    // What a store computes for other headers: no match, so it refuses the upload.
    expect(await expectedSignature(url, { ...signed, 'content-type': 'text/html' })).not.toBe(
      given,
    );
    expect(await expectedSignature(url, { ...signed, 'content-length': '48214' })).not.toBe(given);
  });
});
