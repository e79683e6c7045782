import { describe, expect, it } from '@jest/globals';
import { isCollection, isKey, parseCollectionFilter } from './names.js';

describe('sync names', () => {
  it('accepts collections of a-z, 0-9, _ and - up to 64 characters', () => {
    expect(isCollection('settings')).toBe(true);
    expect(isCollection('a_b-9')).toBe(true);
    expect(isCollection('x'.repeat(64))).toBe(true);
    for (const bad of ['', 'x'.repeat(65), 'Settings', 'a.b', 'a b', 'ä', 42, null]) {
      expect(isCollection(bad)).toBe(false);
    }
  });

  it('accepts keys of URL-safe characters up to 128', () => {
    expect(isKey('draft-1.v2_~')).toBe(true);
    expect(isKey('K'.repeat(128))).toBe(true);
    for (const bad of ['', 'K'.repeat(129), 'a/b', 'a%20b', 'a b', 'é', undefined]) {
      expect(isKey(bad)).toBe(false);
    }
  });

  it('parses a collection filter into distinct names, refusing a bad one', () => {
    expect(parseCollectionFilter(undefined)).toEqual([]);
    expect(parseCollectionFilter('a,b,a')).toEqual(['a', 'b']);
    expect(parseCollectionFilter('a,,b')).toBeNull();
    expect(parseCollectionFilter('a,B')).toBeNull();
  });
});
