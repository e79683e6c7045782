import { describe, it, expect } from '@jest/globals';
import {
  checkPassword,
  commonPasswords,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
} from './password-policy.js';

const STRONG = 'correct horse battery staple';

describe('checkPassword', () => {
  it('accepts a long uncommon password without composition rules', () => {
    expect(checkPassword(STRONG)).toEqual({ ok: true });
  });

  it('enforces the length bounds exactly at the limits', () => {
    expect(checkPassword('x7'.repeat(6).slice(0, PASSWORD_MIN_LENGTH - 1))).toMatchObject({
      ok: false,
      reason: 'too_short',
    });
    expect(checkPassword('zq'.repeat(6))).toEqual({ ok: true });
    expect(checkPassword('k'.repeat(PASSWORD_MAX_LENGTH))).toEqual({ ok: true });
    expect(checkPassword('k'.repeat(PASSWORD_MAX_LENGTH + 1))).toMatchObject({
      reason: 'too_long',
    });
  });

  it('counts code points, not UTF-16 units', () => {
    const twelveEmoji = '🔐'.repeat(12); // 24 UTF-16 units
    expect(twelveEmoji.length).toBe(24);
    expect(checkPassword(twelveEmoji)).toEqual({ ok: true });
    expect(checkPassword('🔐'.repeat(11))).toMatchObject({ reason: 'too_short' });
    expect(checkPassword('🔐'.repeat(PASSWORD_MAX_LENGTH))).toEqual({ ok: true });
    expect(checkPassword('🔐'.repeat(PASSWORD_MAX_LENGTH + 1))).toMatchObject({
      reason: 'too_long',
    });
  });

  it('rejects common passwords of allowed length, case-insensitively', () => {
    expect(checkPassword('1qaz2wsx3edc')).toMatchObject({ ok: false, reason: 'common' });
    expect(checkPassword('QWERTY123456')).toMatchObject({ ok: false, reason: 'common' });
    expect(checkPassword('LeaveMeAlone')).toMatchObject({ ok: false, reason: 'common' });
  });

  it('rejects the email, its local part and the display name', () => {
    const context = { email: 'Alexandra.Smith@example.com', displayName: 'Alexandra Smith' };
    for (const candidate of ['alexandra.smith@example.com', 'ALEXANDRA.SMITH', 'alexandra smith']) {
      expect(checkPassword(candidate, context)).toMatchObject({ reason: 'matches_identity' });
    }
    expect(checkPassword('alexandra.smith!', context)).toEqual({ ok: true });
  });

  it('returns a user-facing message with every rejection', () => {
    const result = checkPassword('short');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(/12/);
  });
});

describe('commonPasswords', () => {
  it('bundles at least 10,000 lowercased entries, loaded once', () => {
    const list = commonPasswords();
    expect(list.size).toBeGreaterThanOrEqual(10_000);
    expect(list.has('password')).toBe(true);
    expect([...list].every((entry) => entry === entry.toLowerCase())).toBe(true);
    expect(commonPasswords()).toBe(list);
  });

  it('includes entries long enough to pass the length rule', () => {
    const long = [...commonPasswords()].filter((p) => [...p].length >= PASSWORD_MIN_LENGTH);
    expect(long.length).toBeGreaterThan(100);
    for (const entry of long.slice(0, 50)) {
      expect(checkPassword(entry)).toMatchObject({ ok: false });
    }
  });
});
