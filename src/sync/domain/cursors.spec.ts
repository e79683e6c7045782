import { describe, expect, it } from '@jest/globals';
import { DomainError } from '../../common/errors/domain-error.js';
import {
  decodeChangeCursor,
  decodeListCursor,
  encodeChangeCursor,
  encodeListCursor,
} from './cursors.js';
import { isKey } from './names.js';

const code = (fn: () => unknown): string | undefined => {
  try {
    fn();
    return undefined;
  } catch (error) {
    return error instanceof DomainError ? error.code : 'not a DomainError';
  }
};

describe('sync cursors', () => {
  it('round-trips a change position; absent means the beginning', () => {
    for (const seq of [0, 1, 42, 2 ** 52])
      expect(decodeChangeCursor(encodeChangeCursor(seq))).toEqual({ seq, floor: 0 });
    expect(decodeChangeCursor(undefined)).toEqual({ seq: 0, floor: 0 });
  });

  it('carries a resync’s floor only while the position is below it', () => {
    expect(decodeChangeCursor(encodeChangeCursor(3, 7))).toEqual({ seq: 3, floor: 7 });
    expect(decodeChangeCursor(encodeChangeCursor(0, 2 ** 52))).toEqual({ seq: 0, floor: 2 ** 52 });
    // Past it, the cursor is the plain one clients already hold.
    expect(encodeChangeCursor(7, 7)).toBe(encodeChangeCursor(7));
    expect(encodeChangeCursor(9, 7)).toBe(encodeChangeCursor(9));
  });

  it('refuses anything it did not issue as invalid-cursor', () => {
    const forged = (text: string) => Buffer.from(text).toString('base64url');
    for (const raw of [
      '',
      'garbage!',
      forged('s1:-1'),
      forged('s1:01'),
      forged('s1:1.5'),
      forged('s1:99999999999999999'),
      forged('s2:1'),
      forged('s2:1:1'),
      forged('s2:2:1'),
      forged('s2:1:2:3'),
      forged('s2:1:'),
      forged('s2:01:2'),
      forged('k1:abc'),
      `${encodeChangeCursor(5)}x`,
    ]) {
      expect(code(() => decodeChangeCursor(raw))).toBe('invalid-cursor');
    }
  });

  it('round-trips a list position and refuses a change cursor or a bad key in its place', () => {
    expect(decodeListCursor(encodeListCursor('a.b'), isKey)).toBe('a.b');
    expect(decodeListCursor(undefined, isKey)).toBeNull();
    expect(code(() => decodeListCursor(encodeChangeCursor(3), isKey))).toBe('invalid-cursor');
    expect(code(() => decodeListCursor(encodeListCursor('a/b'), isKey))).toBe('invalid-cursor');
  });
});
