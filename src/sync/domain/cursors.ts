import { invalidCursor } from '../../common/pagination/keyset.js';

/*
 * Cursors are opaque to clients: base64url of a versioned text, so the format can change
 * without old clients parsing anything. A change cursor is a position in the user's change
 * sequence; a list cursor is the last key of a page of one collection.
 */

const CHANGE_PREFIX = 's1:';
const LIST_PREFIX = 'k1:';
const SEQ = /^(0|[1-9]\d{0,15})$/;

export function encodeChangeCursor(seq: number): string {
  return Buffer.from(`${CHANGE_PREFIX}${seq}`, 'utf8').toString('base64url');
}

/** The sequence number a change cursor stands for (0 when absent: from the beginning). */
export function decodeChangeCursor(raw: string | undefined): number {
  if (raw === undefined) return 0;
  const text = decode(raw, CHANGE_PREFIX);
  if (text === null || !SEQ.test(text)) throw invalidCursor();
  const seq = Number(text);
  if (!Number.isSafeInteger(seq)) throw invalidCursor();
  return seq;
}

export function encodeListCursor(key: string): string {
  return Buffer.from(`${LIST_PREFIX}${key}`, 'utf8').toString('base64url');
}

/** The key after which the next page starts, or null for the first page. */
export function decodeListCursor(
  raw: string | undefined,
  isKey: (key: string) => boolean,
): string | null {
  if (raw === undefined) return null;
  const key = decode(raw, LIST_PREFIX);
  if (key === null || !isKey(key)) throw invalidCursor();
  return key;
}

function decode(raw: string, prefix: string): string | null {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(raw)) return null;
  const text = Buffer.from(raw, 'base64url').toString('utf8');
  // base64url decoding ignores stray bits: only a canonical encoding is one we issued.
  if (Buffer.from(text, 'utf8').toString('base64url') !== raw) return null;
  return text.startsWith(prefix) ? text.slice(prefix.length) : null;
}
