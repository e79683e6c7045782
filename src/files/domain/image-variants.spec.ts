import { describe, expect, it } from '@jest/globals';
import {
  AVATAR_SHOWN,
  CLEAN_ORIGINAL,
  formatMatches,
  formatOfType,
  rejectionFor,
  variantObjectKey,
  variantPlan,
} from './image-variants.js';
import { abandonedBefore } from './pending-uploads.js';

describe('variantPlan', () => {
  it('gives an avatar its cleaned original and three WebP squares', () => {
    expect(variantPlan('avatar', 'image/jpeg')).toEqual([
      { name: CLEAN_ORIGINAL, format: 'jpeg', square: null },
      { name: 'square-64', format: 'webp', square: 64 },
      { name: 'square-256', format: 'webp', square: 256 },
      { name: 'square-512', format: 'webp', square: 512 },
    ]);
  });

  it('gives an image attachment only its cleaned original, in its own format', () => {
    expect(variantPlan('attachment', 'image/gif')).toEqual([
      { name: CLEAN_ORIGINAL, format: 'gif', square: null },
    ]);
    expect(variantPlan('attachment', 'image/png')).toEqual([
      { name: CLEAN_ORIGINAL, format: 'png', square: null },
    ]);
  });

  it('plans nothing for a type the worker does not decode', () => {
    expect(variantPlan('attachment', 'application/pdf')).toEqual([]);
    expect(variantPlan('avatar', 'image/svg+xml')).toEqual([]);
  });

  it('shows one of the planned avatar sizes', () => {
    expect(variantPlan('avatar', 'image/png').map((v) => v.name)).toContain(AVATAR_SHOWN);
  });
});

describe('variantObjectKey', () => {
  it('puts a variant beside the uploaded object', () => {
    expect(variantObjectKey('files/u1/f1/original', 'square-64')).toBe('files/u1/f1/square-64');
  });

  it('copes with a key without folders', () => {
    expect(variantObjectKey('original', 'clean')).toBe('clean');
  });
});

describe('rejectionFor', () => {
  it('names the pixel bound', () => {
    expect(rejectionFor('Input image exceeds pixel limit')).toBe('image-too-many-pixels');
  });

  it('calls anything else undecodable', () => {
    expect(rejectionFor('VipsJpeg: premature end of JPEG image')).toBe('image-undecodable');
    expect(rejectionFor('Input buffer contains unsupported image format')).toBe(
      'image-undecodable',
    );
  });
});

describe('formats', () => {
  it('maps the processed types and nothing else', () => {
    expect(formatOfType('image/webp')).toBe('webp');
    expect(formatOfType('text/html')).toBeNull();
  });

  it('matches a declared type with the decoded format', () => {
    expect(formatMatches('image/jpeg', 'jpeg')).toBe(true);
    expect(formatMatches('image/png', 'jpeg')).toBe(false);
    expect(formatMatches('text/plain', undefined)).toBe(false);
  });
});

describe('abandonedBefore', () => {
  it('is the TTL before now', () => {
    expect(abandonedBefore(new Date('2026-01-02T00:00:00Z'), 24 * 3_600_000)).toEqual(
      new Date('2026-01-01T00:00:00Z'),
    );
  });
});
