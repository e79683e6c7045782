import { describe, expect, it } from '@jest/globals';
import { hashRecoveryCode, newRecoveryCodes, normalizeRecoveryCode } from './recovery-codes.js';

describe('recovery codes', () => {
  it('makes ten distinct codes of two groups of five Crockford base32 characters', () => {
    const codes = newRecoveryCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$/);
  });

  it('reads back what a user types: any case, with or without the hyphen or a space', () => {
    expect(normalizeRecoveryCode('7kq2m-xd4hp')).toBe('7KQ2MXD4HP');
    expect(normalizeRecoveryCode(' 7KQ2M XD4HP ')).toBe('7KQ2MXD4HP');
    expect(normalizeRecoveryCode('7KQ2MXD4HP')).toBe('7KQ2MXD4HP');
    expect(normalizeRecoveryCode('oKQ2l-XD4Hi')).toBe('0KQ21XD4H1');
  });

  it('refuses what cannot be a code', () => {
    expect(normalizeRecoveryCode('123456')).toBeNull();
    expect(normalizeRecoveryCode('7KQ2M-XD4HU')).toBeNull();
    expect(normalizeRecoveryCode('7KQ2M--XD4HP')).toBeNull();
    expect(normalizeRecoveryCode('7KQ2M-XD4HP1')).toBeNull();
  });

  it('stores a keyed hash: same code and key, same hash; another key, another hash', () => {
    const key = Buffer.alloc(32, 1);
    const hash = hashRecoveryCode(key, '7KQ2MXD4HP');
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hashRecoveryCode(key, '7KQ2MXD4HP')).toBe(hash);
    expect(hashRecoveryCode(Buffer.alloc(32, 2), '7KQ2MXD4HP')).not.toBe(hash);
  });
});
