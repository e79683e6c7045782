import { describe, expect, it } from '@jest/globals';
import {
  holds,
  notModified,
  parseEtags,
  writePrecondition,
  type Precondition,
} from './preconditions.js';

const live = (rev: number) => ({ rev, deleted: false });
const tombstone = (rev: number) => ({ rev, deleted: true });

describe('sync preconditions', () => {
  it('parses entity-tag lists, weak tags and *', () => {
    expect(parseEtags('"3"')).toEqual([3]);
    expect(parseEtags(' "3", W/"4" ')).toEqual([3, 4]);
    expect(parseEtags('*')).toBe('any');
    expect(parseEtags('"abc"')).toEqual([]);
    expect(parseEtags('3')).toBeNull();
    expect(parseEtags('"3" "4"')).toBeNull();
  });

  it('reads write headers: none, If-Match, If-None-Match: *, and refuses the rest', () => {
    expect(writePrecondition(undefined, undefined)).toEqual({ kind: 'none' });
    expect(writePrecondition('"2"', undefined)).toEqual({ kind: 'match', revs: [2] });
    expect(writePrecondition(undefined, '*')).toEqual({ kind: 'absent' });
    expect(typeof writePrecondition(undefined, '"2"')).toBe('string');
    expect(typeof writePrecondition('"2"', '*')).toBe('string');
    expect(typeof writePrecondition('2', undefined)).toBe('string');
  });

  it('If-Match holds only for a live document with a named rev', () => {
    const match: Precondition = { kind: 'match', revs: [2] };
    expect(holds(match, live(2))).toBe(true);
    expect(holds(match, live(3))).toBe(false);
    expect(holds(match, tombstone(2))).toBe(false);
    expect(holds(match, null)).toBe(false);
    expect(holds({ kind: 'match', revs: 'any' }, live(7))).toBe(true);
  });

  it('If-None-Match: * holds when there is no live document', () => {
    expect(holds({ kind: 'absent' }, null)).toBe(true);
    expect(holds({ kind: 'absent' }, tombstone(4))).toBe(true);
    expect(holds({ kind: 'absent' }, live(1))).toBe(false);
  });

  it('baseRev holds when it is the current rev, tombstones included, 0 for none', () => {
    expect(holds({ kind: 'base', rev: 0 }, null)).toBe(true);
    expect(holds({ kind: 'base', rev: 4 }, tombstone(4))).toBe(true);
    expect(holds({ kind: 'base', rev: 3 }, live(4))).toBe(false);
    expect(holds({ kind: 'base', rev: 0 }, live(1))).toBe(false);
  });

  it('GET answers 304 when If-None-Match names the current rev', () => {
    expect(notModified('"5"', 5)).toBe(true);
    expect(notModified('W/"5"', 5)).toBe(true);
    expect(notModified('*', 5)).toBe(true);
    expect(notModified('"4"', 5)).toBe(false);
    expect(notModified(undefined, 5)).toBe(false);
    expect(notModified('junk', 5)).toBe(false);
  });
});
