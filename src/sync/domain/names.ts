/** A collection name: lower-case letters, digits, `_` and `-`, 1 to 64 of them. */
export const COLLECTION_PATTERN = /^[a-z0-9_-]{1,64}$/;
export const COLLECTION_RULE = 'must be 1 to 64 characters of a-z, 0-9, _ and -';

/** A key: 1 to 128 URL-safe characters (RFC 3986 unreserved), usable in a path as they are. */
export const KEY_PATTERN = /^[A-Za-z0-9._~-]{1,128}$/;
export const KEY_RULE = 'must be 1 to 128 characters of A-Z, a-z, 0-9, -, _, . and ~';

export const isCollection = (value: unknown): value is string =>
  typeof value === 'string' && COLLECTION_PATTERN.test(value);

export const isKey = (value: unknown): value is string =>
  typeof value === 'string' && KEY_PATTERN.test(value);

/** `a,b` of `?collections=`: the distinct names, or null when one is not a collection name. */
export function parseCollectionFilter(raw: string | undefined): string[] | null {
  if (raw === undefined) return [];
  const names = raw.split(',').map((name) => name.trim());
  if (!names.every(isCollection)) return null;
  return [...new Set(names)];
}
