import { createHash, timingSafeEqual } from 'node:crypto';

/** The claims of a verified id token that sign-in uses. */
export interface OidcIdentityClaims {
  subject: string;
  email: string | null;
  emailVerified: boolean;
  /** A name the token or the client supplied (Apple sends it only once, outside the token). */
  name: string | null;
}

/** Seconds of clock difference tolerated on `exp`, `iat` and `nbf`. */
export const ID_TOKEN_CLOCK_SKEW_SECONDS = 60;

/**
 * Native SDKs (Sign in with Apple, Google Sign-In) are given SHA-256(raw nonce) and put it in the
 * token; the app sends us the raw nonce. A token carrying a nonce needs the matching raw nonce;
 * a raw nonce sent for a token without one is refused too (someone dropped it).
 */
export function nonceMatches(rawNonce: string | undefined, claimed: unknown): boolean {
  if (claimed === undefined && rawNonce === undefined) return true;
  if (typeof claimed !== 'string' || rawNonce === undefined) return false;
  const digest = createHash('sha256').update(rawNonce, 'utf8').digest();
  return [digest.toString('hex'), digest.toString('base64url')].some((form) =>
    sameText(form, claimed),
  );
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * OpenID Connect Core 3.1.3.7: a token for several audiences must name its authorized party
 * (`azp`), and that party must be one of our client ids. With a single audience `azp` is not
 * checked: Google puts the Android client id there while `aud` is the server's client id.
 */
export function authorizedPartyAllowed(
  aud: unknown,
  azp: unknown,
  clientIds: readonly string[],
): boolean {
  if (!Array.isArray(aud) || aud.length <= 1) return true;
  return typeof azp === 'string' && clientIds.includes(azp);
}

/**
 * The name in Apple's form-post `user` field (first authorization only):
 * `{"name":{"firstName":"Ada","lastName":"Lovelace"},"email":"…"}`. Anything else: no name.
 */
export function formPostUserName(user: string | null): string | null {
  if (!user || user.length > 2048) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(user);
  } catch {
    return null;
  }
  const name = (parsed as { name?: { firstName?: unknown; lastName?: unknown } } | null)?.name;
  const parts = [name?.firstName, name?.lastName]
    .filter((part): part is string => typeof part === 'string')
    .map((part) => part.trim())
    .filter(Boolean);
  return parts.length > 0 ? parts.join(' ').slice(0, 100) : null;
}

/** Apple sends `email_verified` as "true"/"false" strings, Google as booleans. */
export function emailVerifiedClaim(value: unknown): boolean {
  return value === true || value === 'true';
}

/** What sign-in reads from a verified id token's payload. */
export function claimsOf(payload: Record<string, unknown>): OidcIdentityClaims {
  const email = typeof payload.email === 'string' && payload.email ? payload.email : null;
  return {
    subject: String(payload.sub),
    email,
    emailVerified: email !== null && emailVerifiedClaim(payload.email_verified),
    name: typeof payload.name === 'string' && payload.name.trim() ? payload.name.trim() : null,
  };
}

/** Apple's "Hide My Email" relay addresses: real, deliverable, and private. */
export function isPrivateRelayEmail(email: string): boolean {
  return /@(privaterelay\.appleid\.com|private\.icloud\.com)$/i.test(email.trim());
}

/** An account found by the token's email. */
export interface AccountByEmail {
  id: string;
  emailVerified: boolean;
}

export type SignInDecision =
  | { action: 'sign-in'; userId: string }
  | { action: 'link'; userId: string }
  | { action: 'create' }
  | { action: 'refuse'; reason: 'email-required' | 'email-unverified-match' };

/**
 * Who a federated sign-in is. A known subject is its account. A new subject joins the account
 * with its email only when both sides have verified that email: an account someone registered
 * unverified with the victim's address must not collect the victim's sign-ins, and a provider
 * account with an unverified address must not walk into a verified account.
 */
export function decideSignIn(
  claims: Pick<OidcIdentityClaims, 'email' | 'emailVerified'>,
  linkedUserId: string | null,
  byEmail: AccountByEmail | null,
): SignInDecision {
  if (linkedUserId) return { action: 'sign-in', userId: linkedUserId };
  if (!claims.email) return { action: 'refuse', reason: 'email-required' };
  if (!byEmail) return { action: 'create' };
  if (claims.emailVerified && byEmail.emailVerified) return { action: 'link', userId: byEmail.id };
  return { action: 'refuse', reason: 'email-unverified-match' };
}

/** Unlinking must leave a way in: a password or another linked identity. */
export function canUnlink(ways: {
  hasPassword: boolean;
  passkeys: number;
  identities: number;
}): boolean {
  return ways.hasPassword || ways.passkeys > 0 || ways.identities > 1;
}
