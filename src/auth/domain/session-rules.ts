import { constantTimeEqual } from './tokens.js';

export interface SessionPolicy {
  /** A session unused for this long ends. */
  idleTimeoutMs: number;
  /** A session ends this long after login, however active. */
  absoluteLifetimeMs: number;
  /** How long the refresh token just replaced may be replayed for the same new pair. */
  refreshGraceMs: number;
}

export interface SessionTimes {
  createdAt: Date;
  lastUsedAt: Date;
  revokedAt: Date | null;
}

export type SessionExpiry = 'active' | 'revoked' | 'idle_expired' | 'absolute_expired';

/**
 * A limit is reached at its exact instant (like JWT `exp`): valid strictly before
 * `createdAt + absoluteLifetimeMs` and `lastUsedAt + idleTimeoutMs`. Revocation wins over
 * expiry, and absolute over idle, so the reported reason is the one that can never be undone.
 */
export function sessionExpiry(
  session: SessionTimes,
  policy: SessionPolicy,
  now: Date,
): SessionExpiry {
  if (session.revokedAt !== null) return 'revoked';
  if (elapsedMs(session.createdAt, now) >= policy.absoluteLifetimeMs) return 'absolute_expired';
  if (elapsedMs(session.lastUsedAt, now) >= policy.idleTimeoutMs) return 'idle_expired';
  return 'active';
}

export interface RefreshState {
  currentTokenHash: string;
  previousTokenHash: string | null;
  rotatedAt: Date | null;
  /**
   * The session's retired hash equal to the presented one, if there is one (the lookup fetches
   * only that row, not the whole family); else null.
   */
  retiredTokenHash: string | null;
}

export type RefreshDecision =
  { kind: 'rotate' } | { kind: 'grace_replay' } | { kind: 'reuse_detected' } | { kind: 'unknown' };

/**
 * Refresh-token rotation with reuse detection. Call it only for an `active` session (see
 * `sessionExpiry`), with `presentedHash = hashToken(presented)`.
 *
 * Expected storage (PostgreSQL holds hashes only, never a usable refresh token):
 * - `rotate`: in one conditional UPDATE (`... WHERE current_token_hash = :presentedHash`, so
 *   of two concurrent refreshes exactly one wins) set previous = current, current = hash of
 *   the new token, rotated_at = now; in the same statement the hash that falls out of previous
 *   joins the session's retired hashes, so current, previous and retired cover every
 *   generation the session ever issued. The winner then caches the pair it issued in Redis:
 *   `SET <prefix>:auth:refresh-grace:<presentedHash> <pair> PX refreshGraceMs`. The key is
 *   the old token's hash, so nothing in Redis or the database lets a reader derive the cached
 *   pair's key without the old token; the pair lives no longer than the grace window. To keep
 *   even Redis free of usable tokens, encrypt the pair with a key derived from the presented
 *   token itself (e.g. HMAC-SHA256(presented, "refresh-grace") as an AES-GCM key): only a
 *   holder of the old token can decrypt it, and that holder is exactly who may receive it.
 * - `grace_replay`: a duplicate request from the same client (two tabs, a retry after a lost
 *   response) returns the cached pair. If the key is not there yet (the winner is between its
 *   UPDATE and its SET) or is gone, answer 401 / 409 and let the client retry or log in; never
 *   mint a second pair, which would fork the session.
 * - `reuse_detected`: an already-rotated token came back after the window, or any older
 *   generation (a retired hash, whatever its age): someone else holds a copy. Revoke the whole
 *   session (both holders must log in again) and record an audit event.
 * - `unknown`: not this session's token: 401, no side effect.
 */
export function decideRefresh(
  state: RefreshState,
  presentedHash: string,
  policy: SessionPolicy,
  now: Date,
): RefreshDecision {
  if (constantTimeEqual(state.currentTokenHash, presentedHash)) return { kind: 'rotate' };
  if (
    state.previousTokenHash === null ||
    !constantTimeEqual(state.previousTokenHash, presentedHash)
  ) {
    // Only the last rotation has a grace window: an older generation is always theft.
    const retired =
      state.retiredTokenHash !== null && constantTimeEqual(state.retiredTokenHash, presentedHash);
    return { kind: retired ? 'reuse_detected' : 'unknown' };
  }
  // A previous hash without a rotation time is inconsistent data: fail towards revocation.
  if (state.rotatedAt !== null && elapsedMs(state.rotatedAt, now) <= policy.refreshGraceMs) {
    return { kind: 'grace_replay' };
  }
  return { kind: 'reuse_detected' };
}

function elapsedMs(since: Date, now: Date): number {
  return now.getTime() - since.getTime();
}
