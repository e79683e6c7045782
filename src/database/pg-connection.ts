import type { PgTls } from '../config/index.js';

/** Connection-string parameters about TLS: the app turns them into `ssl` options itself. */
const TLS_PARAMS = ['sslmode', 'ssl', 'sslrootcert', 'sslcert', 'sslkey', 'uselibpqcompat'];

/** The subset of node:tls options used: assignable to both pg's and TypeORM's `ssl` types. */
export interface PgSsl {
  ca?: string;
  rejectUnauthorized: boolean;
  checkServerIdentity?: () => undefined;
}

export interface PgConnection {
  /** The URL without its TLS parameters (node-postgres would let them override `ssl`). */
  url: string;
  ssl: false | PgSsl;
}

/**
 * node-postgres options for a URL and its TLS settings. pg's own reading of `sslmode` differs
 * from libpq's (its `require` verifies the certificate) and takes the CA only from a file named
 * in the URL; here libpq's meaning holds and the CA may come from the environment.
 */
export function pgConnection(url: string, tls: PgTls | null): PgConnection {
  const clean = new URL(url);
  for (const param of TLS_PARAMS) clean.searchParams.delete(param);
  return { url: clean.toString(), ssl: tls ? sslOptions(tls) : false };
}

function sslOptions(tls: PgTls): PgSsl {
  const ca = tls.ca ? { ca: tls.ca } : {};
  switch (tls.mode) {
    case 'require':
      return { rejectUnauthorized: false };
    case 'verify-ca':
      // The chain is checked, the host name is not (the certificate may name another host).
      return { ...ca, rejectUnauthorized: true, checkServerIdentity: () => undefined };
    case 'verify-full':
      return { ...ca, rejectUnauthorized: true };
  }
}

const TLS_ERRORS = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/**
 * A TLS refusal of PostgreSQL's certificate, said in operator terms (what to check), or the error
 * as it was. Also the answer of a server without TLS to a client that asks for it.
 */
export function explainPgTlsError(error: unknown, tls: PgTls | null): unknown {
  // Not `instanceof Error`: node:tls errors may come from another realm (jest's vm contexts).
  if (typeof error !== 'object' || error === null || !('message' in error)) return error;
  const { code = '', message } = error as { code?: string; message: string };
  if (TLS_ERRORS.has(code)) {
    const trust = tls?.ca ? 'the CA in DB_SSL_CA / DB_SSL_CA_FILE' : "the system's CAs";
    const host = tls?.mode === 'verify-full' ? ' and name the host in DATABASE_URL' : '';
    return new Error(
      `PostgreSQL's TLS certificate was refused (${code}: ${message}): with ` +
        `sslmode=${tls?.mode ?? '?'} it must chain to ${trust}${host}`,
      { cause: error },
    );
  }
  if (/does not support SSL/i.test(message)) {
    return new Error(
      `PostgreSQL does not accept TLS connections but sslmode=${tls?.mode ?? '?'} asks for TLS: ` +
        'turn on ssl on the server, or set sslmode=disable',
      { cause: error },
    );
  }
  return error;
}
