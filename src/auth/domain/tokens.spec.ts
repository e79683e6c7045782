import { describe, it, expect } from '@jest/globals';
import { constantTimeEqual, generateOpaqueToken, hashToken } from './tokens.js';

describe('generateOpaqueToken', () => {
  it('encodes 256 random bits as base64url', () => {
    const token = generateOpaqueToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
  });

  it('never repeats', () => {
    const tokens = new Set(Array.from({ length: 1000 }, generateOpaqueToken));
    expect(tokens.size).toBe(1000);
  });
});

describe('hashToken', () => {
  it('is the SHA-256 hex digest', () => {
    expect(hashToken('abc')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });

  it('differs for different tokens', () => {
    expect(hashToken('a')).not.toBe(hashToken('b'));
  });
});

describe('constantTimeEqual', () => {
  it('compares by content', () => {
    const hash = hashToken('token');
    expect(constantTimeEqual(hash, hashToken('token'))).toBe(true);
    expect(constantTimeEqual(hash, hashToken('other'))).toBe(false);
  });

  it('returns false for different lengths instead of throwing', () => {
    expect(constantTimeEqual('abc', 'abcd')).toBe(false);
    expect(constantTimeEqual('', '')).toBe(true);
  });
});
