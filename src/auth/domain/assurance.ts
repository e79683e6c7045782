/**
 * How a session was authenticated (the `amr` claim, RFC 8176 in spirit) and the assurance level
 * that follows from it (NIST SP 800-63B): a password or a federated sign-in alone is `aal1`; a
 * second factor or a passkey makes it `aal2`.
 */
export const AUTH_METHODS = ['pwd', 'oidc', 'otp', 'recovery', 'passkey'] as const;
export type AuthMethod = (typeof AUTH_METHODS)[number];

export type AssuranceLevel = 'aal1' | 'aal2';

const SECOND_FACTORS: ReadonlySet<AuthMethod> = new Set(['otp', 'recovery', 'passkey']);

export function assuranceOf(amr: readonly AuthMethod[]): AssuranceLevel {
  return amr.some((method) => SECOND_FACTORS.has(method)) ? 'aal2' : 'aal1';
}

export function isAuthMethod(value: unknown): value is AuthMethod {
  return typeof value === 'string' && (AUTH_METHODS as readonly string[]).includes(value);
}

/**
 * The methods of an access token's `amr` claim; a token signed before the claim existed was
 * issued after a password sign-in.
 */
export function parseAmr(claim: unknown): AuthMethod[] | null {
  if (claim === undefined) return ['pwd'];
  if (!Array.isArray(claim) || claim.length === 0 || claim.length > AUTH_METHODS.length) {
    return null;
  }
  return claim.every(isAuthMethod) ? claim : null;
}
