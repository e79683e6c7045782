import { describe, expect, it } from '@jest/globals';
import { DomainError } from '../../common/errors/domain-error.js';
import { encodeValue, nextTotals } from './limits.js';

const limits = { maxValueBytes: 20, maxDocuments: 2, maxBytesPerUser: 30 };

const code = (fn: () => unknown): string | undefined => {
  try {
    fn();
    return undefined;
  } catch (error) {
    return (error as DomainError).code;
  }
};

describe('sync limits', () => {
  it('encodes a value and counts its UTF-8 bytes', () => {
    expect(encodeValue({ a: 'é' }, 'value', limits)).toEqual({
      json: '{"a":"é"}',
      size: 10,
      value: { a: 'é' },
    });
    expect(encodeValue(0, 'value', limits)).toEqual({ json: '0', size: 1, value: 0 });
    expect(encodeValue(false, 'value', limits).json).toBe('false');
  });

  it('refuses a missing or null value and one over the size limit', () => {
    expect(code(() => encodeValue(null, 'value', limits))).toBe('validation-failed');
    expect(code(() => encodeValue(undefined, 'value', limits))).toBe('validation-failed');
    expect(code(() => encodeValue(Infinity, 'value', limits))).toBe('validation-failed');
    expect(code(() => encodeValue('x'.repeat(19), 'value', limits))).toBe('sync-value-too-large');
    expect(encodeValue('x'.repeat(18), 'value', limits).size).toBe(20);
  });

  it('keeps document and byte totals and refuses growth past a quota', () => {
    const start = { documents: 1, bytes: 10 };
    expect(nextTotals(start, null, 5, 'v', limits)).toEqual({ documents: 2, bytes: 15 });
    expect(nextTotals(start, 10, 4, 'v', limits)).toEqual({ documents: 1, bytes: 4 });
    expect(nextTotals(start, 10, null, 'v', limits)).toEqual({ documents: 0, bytes: 0 });
    expect(code(() => nextTotals({ documents: 2, bytes: 2 }, null, 1, 'v', limits))).toBe(
      'sync-document-quota-exceeded',
    );
    expect(code(() => nextTotals(start, 10, 31, 'v', limits))).toBe('sync-storage-quota-exceeded');
  });

  it('lets a user over a lowered quota shrink', () => {
    const over = { documents: 5, bytes: 100 };
    expect(nextTotals(over, 50, 10, 'v', limits)).toEqual({ documents: 5, bytes: 60 });
    expect(nextTotals(over, 50, null, 'v', limits)).toEqual({ documents: 4, bytes: 50 });
  });
});
