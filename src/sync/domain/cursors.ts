import { invalidCursor } from '../../common/pagination/keyset.js';

/*
 * Cursors are opaque to clients: base64url of a versioned text, so the format can change
 * without old clients parsing anything. A change cursor is a position in the user's change
 * sequence; a list cursor is the last key of a page of one collection.
 */

const CHANGE_PREFIX = 's1:';
/** A change cursor of a resync that is still below the purge horizon it started at. */
const RESYNC_PREFIX = 's2:';
const LIST_PREFIX = 'k1:';
const SEQ = /^(0|[1-9]\d{0,15})$/;

/**
 * A position in the feed, and `floor`: the user's purged_seq when its holder started from the
 * beginning. Tombstones purged up to the floor are no concern of the holder (it had dropped its
 * copy), so its cursor stays good until a tombstone past both is purged.
 */
export interface ChangeCursor {
  seq: number;
  floor: number;
}

export function encodeChangeCursor(seq: number, floor = 0): string {
  // Once the position passes the floor, the floor says nothing more: the plain form.
  const text = floor > seq ? `${RESYNC_PREFIX}${seq}:${floor}` : `${CHANGE_PREFIX}${seq}`;
  return Buffer.from(text, 'utf8').toString('base64url');
}

/** What a change cursor stands for (the beginning, with no floor, when absent). */
export function decodeChangeCursor(raw: string | undefined): ChangeCursor {
  if (raw === undefined) return { seq: 0, floor: 0 };
  const plain = decode(raw, CHANGE_PREFIX);
  if (plain !== null) return { seq: toSeq(plain), floor: 0 };
  const parts = decode(raw, RESYNC_PREFIX)?.split(':');
  if (parts?.length !== 2) throw invalidCursor();
  const [seq, floor] = parts.map(toSeq) as [number, number];
  if (floor <= seq) throw invalidCursor(); // never issued: the plain form says the same
  return { seq, floor };
}

function toSeq(text: string): number {
  if (!SEQ.test(text)) throw invalidCursor();
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
