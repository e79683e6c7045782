import { describe, expect, it } from '@jest/globals';
import { SealedBox } from './sealed-box.js';

describe('SealedBox', () => {
  const box = new SealedBox('x'.repeat(32), 'test:purpose');

  it('round-trips and never shows the plaintext', () => {
    const sealed = box.seal('https://app.example/reset?token=abc');
    expect(SealedBox.isSealed(sealed)).toBe(true);
    expect(sealed).not.toContain('abc');
    expect(box.open(sealed)).toBe('https://app.example/reset?token=abc');
  });

  it('seals the same text differently each time', () => {
    expect(box.seal('same')).not.toBe(box.seal('same'));
  });

  it('refuses a tampered value', () => {
    const sealed = box.seal('secret');
    const tampered = sealed.slice(0, -2) + (sealed.endsWith('A') ? 'BB' : 'AA');
    expect(() => box.open(tampered)).toThrow();
  });

  it('keeps purposes apart: a value sealed for one purpose does not open for another', () => {
    const other = new SealedBox('x'.repeat(32), 'other:purpose');
    expect(() => other.open(box.seal('secret'))).toThrow();
  });

  it('opens with any of several secrets and seals with the first (a rotation)', () => {
    const rotated = new SealedBox(['y'.repeat(32), 'x'.repeat(32)], 'test:purpose');
    expect(rotated.open(box.seal('before'))).toBe('before');
    const after = rotated.seal('after');
    expect(new SealedBox('y'.repeat(32), 'test:purpose').open(after)).toBe('after');
    expect(() => box.open(after)).toThrow();
    expect(() => new SealedBox('y'.repeat(32), 'test:purpose').open(box.seal('old'))).toThrow();
  });
});
