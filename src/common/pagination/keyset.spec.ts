import { describe, expect, it } from '@jest/globals';
import type { DomainError } from '../errors/domain-error.js';
import { decodeCursor, encodeCursor } from './keyset.js';

const id = '3f0c8a4e-8b7a-4d1e-9c1a-2b3c4d5e6f70';
const codeOf = (run: () => unknown): string => {
  try {
    run();
    return 'no error';
  } catch (error) {
    return (error as DomainError).code;
  }
};
const raw = (createdAt: string) =>
  Buffer.from(JSON.stringify([createdAt, id]), 'utf8').toString('base64url');

describe('keyset cursor', () => {
  it('decodes what it encoded', () => {
    const cursor = { createdAt: '2026-12-05T09:45:25.989123Z', id };
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
  });

  // Found by the API fuzz suite: these passed the shape check and PostgreSQL answered 500.
  it.each([
    '9999-99-99T99:99:99.999999Z',
    '2026-02-30T00:00:00.000000Z',
    '2026-01-01T24:00:00.000000Z',
  ])('refuses a well-shaped but impossible time (%s) with a 400 problem', (createdAt) => {
    expect(codeOf(() => decodeCursor(raw(createdAt)))).toBe('invalid-cursor');
  });
});
