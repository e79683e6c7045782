import { DomainError } from '../../common/errors/domain-error.js';

export const invalidCredentials = (): DomainError =>
  new DomainError({
    kind: 'unauthenticated',
    code: 'invalid-credentials',
    detail: 'The email address or password is incorrect.',
  });

export const accountDisabled = (): DomainError =>
  new DomainError({
    kind: 'forbidden',
    code: 'account-disabled',
    detail: 'This account is disabled.',
  });

export const emailNotVerified = (): DomainError =>
  new DomainError({
    kind: 'forbidden',
    code: 'email-not-verified',
    detail: 'Confirm your email address first (see POST /auth/email/resend).',
  });

/** The policy's message on the field that carried the password. */
export const weakPassword = (field: string, message: string, reason: string): DomainError =>
  new DomainError({
    kind: 'invalid',
    code: 'weak-password',
    detail: message,
    fields: [{ field, message }],
    extensions: { reason },
  });

export const wrongPassword = (field: string): DomainError =>
  new DomainError({
    kind: 'forbidden',
    code: 'wrong-password',
    detail: 'The current password is incorrect.',
    fields: [{ field, message: 'The current password is incorrect.' }],
  });

/** The wait travels twice: as the Retry-After header and as the `retryAfter` body member. */
export const tooManyAttempts = (retryAfterSeconds: number): DomainError =>
  new DomainError({
    kind: 'rate-limited',
    code: 'too-many-requests',
    detail: `Too many attempts. Try again in ${retryAfterSeconds} seconds.`,
    retryAfterSeconds,
    extensions: { retryAfter: retryAfterSeconds },
  });

export const invalidToken = (): DomainError =>
  new DomainError({
    kind: 'invalid',
    code: 'invalid-token',
    detail: 'The link is invalid, expired or already used. Request a new one.',
    fields: [{ field: 'token', message: 'token is invalid, expired or already used' }],
  });

export const invalidRefreshToken = (): DomainError =>
  new DomainError({
    kind: 'unauthenticated',
    code: 'invalid-refresh-token',
    detail: 'The refresh token is invalid, expired or revoked. Sign in again.',
  });

export const refreshInProgress = (): DomainError =>
  new DomainError({
    kind: 'conflict',
    code: 'refresh-in-progress',
    detail: 'This refresh token is being rotated by a concurrent request; retry shortly.',
    retryAfterSeconds: 1,
  });

export const cannotChangeSelf = (detail: string): DomainError =>
  new DomainError({ kind: 'conflict', code: 'cannot-change-self', detail });

export const sessionNotFound = (): DomainError =>
  new DomainError({ kind: 'not-found', code: 'session-not-found', detail: 'No such session.' });

/**
 * The audit trail of an id that never was a user. Its type stays the generic `not-found` that
 * clients already match on (a deleted user's trail is still readable).
 */
export const auditedUserNotFound = (): DomainError =>
  new DomainError({ kind: 'not-found', code: 'not-found', detail: 'No such user.' });

// --- passkeys (WebAuthn) ---

/** Every refused passkey sign-in alike: unknown passkey, bad signature, origin, challenge. */
export const passkeyAuthenticationFailed = (): DomainError =>
  new DomainError({
    kind: 'unauthenticated',
    code: 'passkey-authentication-failed',
    detail: 'The passkey could not be verified. Request new options and try again.',
  });

export const passkeyRegistrationFailed = (): DomainError =>
  new DomainError({
    kind: 'invalid',
    code: 'passkey-registration-failed',
    detail:
      'The passkey could not be verified (wrong origin, expired or used challenge, or a malformed response). Request new options and try again.',
  });

export const passkeyLimitReached = (max: number): DomainError =>
  new DomainError({
    kind: 'conflict',
    code: 'passkey-limit-reached',
    detail: `An account holds at most ${max} passkeys. Remove one first.`,
  });

export const passkeyAlreadyRegistered = (): DomainError =>
  new DomainError({
    kind: 'conflict',
    code: 'passkey-already-registered',
    detail: 'This passkey is already registered.',
  });

export const passkeyNotFound = (): DomainError =>
  new DomainError({ kind: 'not-found', code: 'passkey-not-found', detail: 'No such passkey.' });

// --- two-factor authentication (TOTP, recovery codes, sign-in challenge) ---

export const mfaAlreadyEnabled = (): DomainError =>
  new DomainError({
    kind: 'conflict',
    code: 'mfa-already-enabled',
    detail: 'Two-factor authentication is already on. Turn it off first to enrol a new app.',
  });

export const mfaNotEnabled = (): DomainError =>
  new DomainError({
    kind: 'conflict',
    code: 'mfa-not-enabled',
    detail: 'Two-factor authentication is not on for this account.',
  });

export const mfaEnrolmentNotStarted = (): DomainError =>
  new DomainError({
    kind: 'conflict',
    code: 'mfa-enrolment-not-started',
    detail: 'No enrolment is pending. Start one with POST /api/v1/auth/mfa/totp.',
  });

/** A wrong, already used or malformed TOTP or recovery code. */
export const invalidMfaCode = (): DomainError =>
  new DomainError({
    kind: 'invalid',
    code: 'invalid-mfa-code',
    detail: 'The code is wrong, expired or already used.',
    fields: [{ field: 'code', message: 'code is wrong, expired or already used' }],
  });

/** Unknown, expired, used, or out of attempts: the sign-in starts over with the password. */
export const invalidMfaToken = (): DomainError =>
  new DomainError({
    kind: 'unauthenticated',
    code: 'invalid-mfa-token',
    detail: 'The sign-in expired or was already completed. Sign in again.',
  });

// --- Social sign-in (OpenID Connect) ---

export const oidcProviderNotFound = (): DomainError =>
  new DomainError({
    kind: 'not-found',
    code: 'oidc-provider-not-found',
    detail: 'No such sign-in provider.',
  });

/** One answer for every reason an id token is refused (the reason goes to the log only). */
export const invalidIdToken = (): DomainError =>
  new DomainError({
    kind: 'unauthenticated',
    code: 'invalid-id-token',
    detail: 'The id token is invalid, expired, already used or not meant for this app.',
  });

export const oidcEmailRequired = (): DomainError =>
  new DomainError({
    kind: 'invalid',
    code: 'oidc-email-required',
    detail: 'The provider did not share an email address; allow it and try again.',
  });

export const oidcAccountExists = (): DomainError =>
  new DomainError({
    kind: 'conflict',
    code: 'oidc-account-exists',
    detail:
      'An account with this email exists but the email is not verified on both sides. Sign in to it (or reset its password, which verifies the email) and link the provider from there.',
  });

export const identityInUse = (): DomainError =>
  new DomainError({
    kind: 'conflict',
    code: 'identity-in-use',
    detail: 'This sign-in is already linked to another account.',
  });

export const identityNotFound = (): DomainError =>
  new DomainError({
    kind: 'not-found',
    code: 'identity-not-found',
    detail: 'No such linked sign-in.',
  });

export const lastSignInMethod = (): DomainError =>
  new DomainError({
    kind: 'conflict',
    code: 'last-sign-in-method',
    detail: 'This is the only way to sign in to the account; set a password or link another first.',
  });

export const redirectUriNotAllowed = (): DomainError =>
  new DomainError({
    kind: 'invalid',
    code: 'redirect-uri-not-allowed',
    detail: 'redirectUri is not on the allow-list.',
    fields: [{ field: 'redirectUri', message: 'redirectUri is not allowed' }],
  });

export const invalidOidcState = (): DomainError =>
  new DomainError({
    kind: 'invalid',
    code: 'invalid-oidc-state',
    detail: 'The sign-in attempt is unknown, expired or already used. Start again.',
  });

export const invalidOidcCode = (): DomainError =>
  new DomainError({
    kind: 'unauthenticated',
    code: 'invalid-oidc-code',
    detail: 'The sign-in code is invalid, expired or already used. Start again.',
  });
export const oidcProviderUnavailable = (): DomainError =>
  new DomainError({
    kind: 'unavailable',
    code: 'oidc-provider-unavailable',
    detail: 'The sign-in provider did not answer. Try again shortly.',
    retryAfterSeconds: 5,
  });
// --- end of social sign-in ---
