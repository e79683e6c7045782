import {
  syncDocumentQuotaExceeded,
  syncInvalidValue,
  syncStorageQuotaExceeded,
  syncValueTooLarge,
} from './sync.errors.js';

export interface SyncLimits {
  maxValueBytes: number;
  maxDocuments: number;
  maxBytesPerUser: number;
}

/** A user's live totals, kept exactly in `sync_heads`. */
export interface Totals {
  documents: number;
  bytes: number;
}

/** A value as stored: its JSON text, that text's size in bytes, and the value it encodes. */
export interface EncodedValue {
  json: string;
  size: number;
  /** The value itself, JSON-safe (it came from a parsed body): answered without a re-parse. */
  value: unknown;
}

/**
 * The JSON text stored for a value, or a 4xx: null is what a deleted document holds, so a put
 * must carry something else (JSON.parse turns 1e400 into Infinity, which is null as JSON too).
 */
export function encodeValue(value: unknown, field: string, limits: SyncLimits): EncodedValue {
  if (value === undefined) throw syncInvalidValue(field, `${field} is required`);
  const json = JSON.stringify(value);
  if (value === null || json === 'null')
    throw syncInvalidValue(field, `${field} must not be null (delete the document instead)`);
  const size = Buffer.byteLength(json, 'utf8');
  if (size > limits.maxValueBytes) throw syncValueTooLarge(field, size, limits.maxValueBytes);
  return { json, size, value };
}

/**
 * The totals after replacing a document of `before` bytes (null: none live) by one of `after`
 * bytes (null: deleted), or the quota problem. Shrinking is always allowed, even over a quota
 * lowered since.
 */
export function nextTotals(
  totals: Totals,
  before: number | null,
  after: number | null,
  field: string,
  limits: SyncLimits,
): Totals {
  const documents = totals.documents + (after === null ? 0 : 1) - (before === null ? 0 : 1);
  const bytes = totals.bytes + (after ?? 0) - (before ?? 0);
  if (documents > totals.documents && documents > limits.maxDocuments)
    throw syncDocumentQuotaExceeded(field, limits.maxDocuments);
  if (bytes > totals.bytes && bytes > limits.maxBytesPerUser)
    throw syncStorageQuotaExceeded(field, limits.maxBytesPerUser);
  return { documents, bytes };
}
