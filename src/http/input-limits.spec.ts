import { describe, expect, it } from '@jest/globals';
import { findInputViolation } from './input-limits.js';

const nested = (levels: number): unknown => {
  let value: unknown = 1;
  for (let i = 0; i < levels; i++) value = { a: [value] };
  return value;
};

describe('findInputViolation', () => {
  it('accepts ordinary input up to the limits', () => {
    expect(findInputViolation({ a: 'x'.repeat(32_768), b: new Array(1000).fill(1) })).toBeNull();
    expect(findInputViolation(nested(15))).toBeNull();
    expect(findInputViolation(null)).toBeNull();
  });

  it('names the first value beyond a limit', () => {
    expect(findInputViolation(nested(50_000))).toEqual({
      field: `a${'[0].a'.repeat(15)}[0]`,
      message: 'input must nest at most 32 levels deep',
    });
    expect(findInputViolation({ list: [0, { s: 'x'.repeat(32_769) }] })).toEqual({
      field: 'list[1].s',
      message: 'strings must be at most 32768 characters long',
    });
    expect(findInputViolation({ list: new Array(1001).fill(0) })?.field).toBe('list');
    const wide = Object.fromEntries(Array.from({ length: 10_001 }, (_, i) => [`k${i}`, i]));
    expect(findInputViolation(wide)).toEqual({
      field: '$',
      message: 'input must have at most 10000 values',
    });
  });

  it('cuts hostile keys short in the reported path', () => {
    const key = 'k'.repeat(1000);
    expect(findInputViolation({ [key]: 'x'.repeat(40_000) })?.field).toBe('k'.repeat(40));
  });
});
