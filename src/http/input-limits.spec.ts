import { describe, expect, it } from '@jest/globals';
import { findInputViolation, scanJsonShape } from './input-limits.js';

const nested = (levels: number): unknown => {
  let value: unknown = 1;
  for (let i = 0; i < levels; i++) value = { a: [value] };
  return value;
};
const members = (count: number) =>
  Object.fromEntries(Array.from({ length: count }, (_, i) => [`k${i}`, i]));

describe('findInputViolation', () => {
  it('refuses NUL characters and lone surrogates in values and keys, not surrogate pairs', () => {
    expect(findInputViolation({ email: 'a\u0000b' })).toMatchObject({
      field: 'email',
      invalidText: true,
    });
    expect(findInputViolation({ list: ['ok', 'a\udc00b'] })?.field).toBe('list[1]');
    expect(findInputViolation({ ['k\ud800']: 1 })?.invalidText).toBe(true);
    expect(findInputViolation({ emoji: '😀 تجربة' })).toBeNull();
  });

  it('accepts ordinary input up to the limits', () => {
    expect(findInputViolation({ a: 'x'.repeat(32_768), b: new Array(1000).fill(1) })).toBeNull();
    expect(findInputViolation(nested(15))).toBeNull();
    expect(findInputViolation(members(999))).toBeNull();
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
    expect(findInputViolation({ list: new Array(1001).fill(0) })).toEqual({
      field: 'list',
      message: 'arrays must have at most 1000 items',
    });
    expect(findInputViolation({ wide: members(1000) })).toEqual({
      field: 'wide',
      message: 'input must have at most 1000 object members in all',
    });
    const lists = Array.from({ length: 11 }, () => new Array(1000).fill(0));
    expect(findInputViolation({ lists })).toEqual({
      field: 'lists[9]',
      message: 'input must have at most 10000 values in all',
    });
  });

  it('cuts hostile keys short in the reported path', () => {
    const key = 'k'.repeat(1000);
    expect(findInputViolation({ [key]: 'x'.repeat(40_000) })?.field).toBe('k'.repeat(40));
  });
});

describe('scanJsonShape', () => {
  const scan = (text: string) => () => scanJsonShape(Buffer.from(text));

  it('passes real bodies, brackets inside strings and malformed JSON (the parser judges that)', () => {
    expect(scan(JSON.stringify({ email: 'a@b.c', password: '[[[[{{{{\\"]]],,::' }))).not.toThrow();
    expect(scan(`{"a":${'['.repeat(31)}${']'.repeat(31)}}`)).not.toThrow();
    expect(scan(JSON.stringify(new Array(1000).fill(0)))).not.toThrow();
    expect(scan(JSON.stringify(members(1000)))).not.toThrow();
    expect(scan('{"broken":"[[[[')).not.toThrow();
  });

  it('throws a 400 body-parser error beyond a limit', () => {
    let thrown: unknown;
    try {
      scanJsonShape(Buffer.from(`{"a":${'['.repeat(32)}${']'.repeat(32)}}`));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({
      status: 400,
      type: 'entity.too.complex',
      message: 'The JSON body must nest at most 32 levels deep.',
    });
    expect(scan(JSON.stringify(new Array(1001).fill(0)))).toThrow(/array of more than 1000/);
    expect(scan(JSON.stringify([{ a: new Array(1001).fill(0) }]))).toThrow(/more than 1000/);
    expect(scan(JSON.stringify(members(1001)))).toThrow(/at most 1000 object members/);
    const lists = Array.from({ length: 11 }, () => new Array(1000).fill(0));
    expect(scan(JSON.stringify(lists))).toThrow(/at most 10000 values/);
  });
});
