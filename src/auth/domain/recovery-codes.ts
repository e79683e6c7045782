import { createHmac, randomInt } from 'node:crypto';

/** Crockford's base32: no I, L, O or U, so nothing reads as another character. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const CODE_LENGTH = 10; // 50 bits each
export const RECOVERY_CODE_COUNT = 10;

/** As shown: two groups of five (`7KQ2M-XD4HP`); typed back with or without the hyphen. */
export const RECOVERY_CODE_INPUT = /^[0-9A-Za-z]{5}[ -]?[0-9A-Za-z]{5}$/;

/** A fresh set of single-use recovery codes, as the user will see them. */
export function newRecoveryCodes(count = RECOVERY_CODE_COUNT): string[] {
  return Array.from({ length: count }, () => {
    const chars = Array.from({ length: CODE_LENGTH }, () => ALPHABET[randomInt(ALPHABET.length)]);
    return `${chars.slice(0, 5).join('')}-${chars.slice(5).join('')}`;
  });
}

/**
 * The canonical form of what a user typed (case, spaces and hyphens do not matter; the letters
 * Crockford maps to digits are read as those digits), or null when it cannot be a code.
 */
export function normalizeRecoveryCode(input: string): string | null {
  if (!RECOVERY_CODE_INPUT.test(input.trim())) return null;
  const code = input
    .trim()
    .toUpperCase()
    .replace(/[ -]/g, '')
    .replace(/[IL]/g, '1')
    .replace(/O/g, '0');
  return [...code].every((c) => ALPHABET.includes(c)) ? code : null;
}

/**
 * What is stored of a code. 50 random bits need no slow hash against online guessing (the
 * challenge is rate limited); the HMAC key (from MFA_ENCRYPTION_KEY, never in the database) makes
 * a leaked table useless offline too, where a plain SHA-256 of 50 bits could be brute-forced.
 */
export function hashRecoveryCode(key: Buffer, canonicalCode: string): string {
  return createHmac('sha256', key).update(canonicalCode, 'utf8').digest('hex');
}
