import { generateSecret, generateURI, verify } from 'otplib';

/**
 * RFC 6238 as every authenticator app implements it: HMAC-SHA-1, 6 digits, 30-second steps.
 * One step of drift either way is accepted (RFC 6238 §5.2 recommends at most one).
 */
export const TOTP_PERIOD_SECONDS = 30;
const TOTP_DIGITS = 6;
const SECRET_BYTES = 20; // 160 bits, the HMAC-SHA-1 block RFC 4226 recommends
const TOLERANCE_SECONDS = TOTP_PERIOD_SECONDS;

export const TOTP_CODE = /^\d{6}$/;

/** A new shared secret, base32 as authenticator apps expect it. */
export function newTotpSecret(): string {
  return generateSecret({ length: SECRET_BYTES });
}

/** The `otpauth://` URI a QR code carries to the authenticator app. */
export function totpUri(issuer: string, accountName: string, secret: string): string {
  return generateURI({
    issuer,
    label: accountName,
    secret,
    algorithm: 'sha1',
    digits: TOTP_DIGITS,
    period: TOTP_PERIOD_SECONDS,
  });
}

/**
 * The time step a code matches at `at`, or null. A step at or before `lastAcceptedStep` is
 * refused (RFC 6238 §5.2: a code is accepted once), so a code seen on the wire or over a
 * shoulder cannot be replayed, not even within its own 30 seconds.
 */
export async function matchTotp(
  secret: string,
  code: string,
  at: Date,
  lastAcceptedStep: number | null,
): Promise<number | null> {
  if (!TOTP_CODE.test(code)) return null;
  const result = await verify({
    secret,
    token: code,
    epoch: Math.floor(at.getTime() / 1000),
    epochTolerance: TOLERANCE_SECONDS,
    ...(lastAcceptedStep === null ? {} : { afterTimeStep: lastAcceptedStep }),
  });
  // otplib's result type covers HOTP too; a TOTP match always has its time step.
  return result.valid && 'timeStep' in result ? result.timeStep : null;
}
