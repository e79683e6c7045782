/** How many first bytes complete reads to recognise a type. */
export const HEAD_BYTES = 512;

type Matcher = (head: Buffer) => boolean;

const startsWith =
  (...bytes: number[]): Matcher =>
  (head) =>
    head.length >= bytes.length && bytes.every((b, i) => head[i] === b);

const ascii =
  (offset: number, text: string): Matcher =>
  (head) =>
    head.length >= offset + text.length &&
    head.subarray(offset, offset + text.length).toString('latin1') === text;

/** Markup a browser would render or run, anywhere in the first bytes. */
const ACTIVE_MARKUP =
  /<\s*(!doctype|html|head|body|script|svg|iframe|object|embed|\?xml)|javascript:/i;

const looksLikeText: Matcher = (head) => {
  if (head.includes(0)) return false;
  const text = head.toString('utf8');
  // A multi-byte character cut at the end of the head is fine; a replacement elsewhere is not.
  return !text.slice(0, -4).includes('\uFFFD');
};

const SIGNATURES: Record<string, Matcher> = {
  'image/jpeg': startsWith(0xff, 0xd8, 0xff),
  'image/png': startsWith(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a),
  'image/gif': (head) => ascii(0, 'GIF87a')(head) || ascii(0, 'GIF89a')(head),
  'image/webp': (head) => ascii(0, 'RIFF')(head) && ascii(8, 'WEBP')(head),
  'application/pdf': ascii(0, '%PDF-'),
  'application/zip': startsWith(0x50, 0x4b, 0x03, 0x04),
  'audio/mpeg': (head) =>
    ascii(0, 'ID3')(head) || (head[0] === 0xff && ((head[1] ?? 0) & 0xe0) === 0xe0),
  'video/mp4': ascii(4, 'ftyp'),
  'text/plain': looksLikeText,
  'text/csv': looksLikeText,
};

export type ContentRejection = 'empty' | 'size-mismatch' | 'type-mismatch' | 'active-content';

/**
 * Whether the stored bytes are what was declared: the exact size, and first bytes carrying the
 * declared type's signature, and (for non-images) no markup a browser would run. Null when they are.
 */
export function checkStoredContent(
  declared: { contentType: string; size: number },
  stored: { size: number; head: Buffer },
): ContentRejection | null {
  if (stored.size === 0) return 'empty';
  if (stored.size !== declared.size) return 'size-mismatch';
  const matches = SIGNATURES[declared.contentType];
  if (!matches?.(stored.head)) return 'type-mismatch';
  // Images are decoded and re-encoded by the worker, which leaves no markup behind; their
  // metadata (XMP) legitimately holds XML, so only the other types are searched here.
  if (
    !declared.contentType.startsWith('image/') &&
    ACTIVE_MARKUP.test(stored.head.toString('latin1'))
  ) {
    return 'active-content';
  }
  return null;
}
