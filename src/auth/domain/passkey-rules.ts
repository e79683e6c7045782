/** A user's passkeys at most: enough for every device they own, few enough to list on one page. */
export const MAX_PASSKEYS_PER_USER = 10;

/** How long a registration or sign-in ceremony may take, from its options to its response. */
export const PASSKEY_CHALLENGE_TTL_MS = 5 * 60_000;

/** Whether a user holding `count` passkeys may add one more. */
export function mayAddPasskey(count: number): boolean {
  return count < MAX_PASSKEYS_PER_USER;
}

/** Whether a challenge issued to expire at `expiresAtMs` may still be answered at `nowMs`. */
export function challengeLive(expiresAtMs: number, nowMs: number): boolean {
  return nowMs < expiresAtMs;
}

export type SignCounterVerdict = 'ok' | 'regressed';

/**
 * WebAuthn §6.1.1: an authenticator with a signature counter sends a larger value each time. One
 * that does not (counter 0 on both sides, as synced passkeys do) is fine; any other value not
 * above the stored one means a second copy of the key is in use: a cloned authenticator.
 */
export function signCounterVerdict(stored: number, received: number): SignCounterVerdict {
  if (stored === 0 && received === 0) return 'ok';
  return received > stored ? 'ok' : 'regressed';
}

/** The name a passkey gets when the user gives none: what made it, or a plain default. */
export function defaultPasskeyName(deviceType: 'singleDevice' | 'multiDevice'): string {
  return deviceType === 'multiDevice' ? 'Synced passkey' : 'Security key';
}
