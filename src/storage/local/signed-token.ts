import { createHmac, timingSafeEqual } from 'node:crypto';

/** What a local signed URL allows: one method on one key until `expires` (unix seconds). */
export type SignedGrant =
  | { method: 'PUT'; key: string; expires: number; contentType: string; size: number }
  | {
      method: 'GET';
      key: string;
      expires: number;
      contentType: string;
      filename: string;
      disposition: 'inline' | 'attachment';
    };

/** Compact on the wire: the URL stays short and the field names are not a format we promise. */
interface Wire {
  m: 'PUT' | 'GET';
  k: string;
  e: number;
  t: string;
  s?: number;
  f?: string;
  d?: 'inline' | 'attachment';
}

export type TokenCheck =
  | { ok: true; grant: SignedGrant }
  | { ok: false; reason: 'malformed' | 'bad-signature' | 'wrong-method' | 'expired' };

/**
 * The local driver's signed URLs: `base64url(grant).base64url(HMAC-SHA256(secret, grant))`.
 * The MAC covers the whole grant (key, method, expiry, and the exact type and size of an upload
 * or the headers of a download), so no part of it can be changed without the secret.
 */
export class SignedToken {
  constructor(private readonly secret: string) {}

  sign(grant: SignedGrant): string {
    const wire: Wire =
      grant.method === 'PUT'
        ? { m: 'PUT', k: grant.key, e: grant.expires, t: grant.contentType, s: grant.size }
        : {
            m: 'GET',
            k: grant.key,
            e: grant.expires,
            t: grant.contentType,
            f: grant.filename,
            d: grant.disposition,
          };
    const body = Buffer.from(JSON.stringify(wire), 'utf8').toString('base64url');
    return `${body}.${this.mac(body).toString('base64url')}`;
  }

  /** Signature first (constant-time), then method and expiry: a forged token learns nothing. */
  verify(token: string, method: 'PUT' | 'GET', nowSeconds: number): TokenCheck {
    const [body, signature, extra] = token.split('.');
    if (!body || !signature || extra !== undefined) return { ok: false, reason: 'malformed' };
    const given = Buffer.from(signature, 'base64url');
    const expected = this.mac(body);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return { ok: false, reason: 'bad-signature' };
    }
    const grant = toGrant(body);
    if (!grant) return { ok: false, reason: 'malformed' };
    if (grant.method !== method) return { ok: false, reason: 'wrong-method' };
    if (nowSeconds > grant.expires) return { ok: false, reason: 'expired' };
    return { ok: true, grant };
  }

  private mac(body: string): Buffer {
    return createHmac('sha256', this.secret).update(`storage-url:v1:${body}`).digest();
  }
}

function toGrant(body: string): SignedGrant | null {
  let wire: Wire;
  try {
    wire = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Wire;
  } catch {
    return null;
  }
  if (typeof wire.k !== 'string' || typeof wire.e !== 'number' || typeof wire.t !== 'string') {
    return null;
  }
  if (wire.m === 'PUT' && typeof wire.s === 'number') {
    return { method: 'PUT', key: wire.k, expires: wire.e, contentType: wire.t, size: wire.s };
  }
  if (
    wire.m === 'GET' &&
    typeof wire.f === 'string' &&
    (wire.d === 'inline' || wire.d === 'attachment')
  ) {
    return {
      method: 'GET',
      key: wire.k,
      expires: wire.e,
      contentType: wire.t,
      filename: wire.f,
      disposition: wire.d,
    };
  }
  return null;
}
