import { describe, expect, it } from '@jest/globals';
import { modulesPath } from './qr-path.js';

describe('QR modules as one SVG path', () => {
  it('draws a unit square at (x, y) for each dark module and nothing for light ones', () => {
    expect(
      modulesPath([
        [true, false],
        [false, true],
      ]),
    ).toBe('M0 0h1v1h-1zM1 1h1v1h-1z');
    expect(modulesPath([[false]])).toBe('');
  });
});
