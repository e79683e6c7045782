import type { AuthMethod } from './assurance.js';
import { normalizeRecoveryCode } from './recovery-codes.js';
import { TOTP_CODE } from './totp.js';

/** A submitted second-factor code: an authenticator's TOTP or one of the recovery codes. */
export type SecondFactorCode =
  { method: 'otp'; code: string } | { method: 'recovery'; code: string };

export function classifyCode(input: string): SecondFactorCode | null {
  const trimmed = input.trim();
  if (TOTP_CODE.test(trimmed)) return { method: 'otp', code: trimmed };
  const recovery = normalizeRecoveryCode(trimmed);
  return recovery ? { method: 'recovery', code: recovery } : null;
}

/** The session's methods after a second factor: the first factor's, then the new one, once. */
export function withSecondFactor(amr: readonly AuthMethod[], method: AuthMethod): AuthMethod[] {
  return amr.includes(method) ? [...amr] : [...amr, method];
}

/** A half-finished sign-in lives this long, and takes this many wrong codes before it dies. */
export const PENDING_SIGN_IN_TTL_MS = 5 * 60 * 1000;
export const PENDING_SIGN_IN_MAX_ATTEMPTS = 5;

/** Wrong codes per account (every pending sign-in and step-up together) per window. */
export const MFA_FAILURES_PER_WINDOW = 10;
export const MFA_FAILURE_WINDOW_SECONDS = 15 * 60;
