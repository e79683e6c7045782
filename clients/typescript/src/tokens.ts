/** The pair `POST /auth/login` (without MFA), `POST /auth/mfa/challenge` and `POST /auth/refresh` return. */
export interface TokenPair {
  accessToken: string;
  refreshToken: string;
}

/**
 * Where the client keeps the pair. Back it with secure storage in an app (Keychain, Keystore);
 * `set(null)` means signed out. The client awaits `set` before it sends anything with a new pair,
 * so a pair is never used before it is stored.
 */
export interface TokenStore {
  get(): TokenPair | null | Promise<TokenPair | null>;
  set(pair: TokenPair | null): void | Promise<void>;
}

/** Keeps the pair in memory only (tests, scripts, a browser tab that signs in each time). */
export function memoryTokenStore(initial: TokenPair | null = null): TokenStore {
  let pair = initial;
  return {
    get: () => pair,
    set: (next) => {
      pair = next;
    },
  };
}

/** The pair in a login or refresh answer, if the body is one. */
export function tokenPairIn(body: unknown): TokenPair | null {
  if (typeof body !== 'object' || body === null) return null;
  if (!('accessToken' in body) || typeof body.accessToken !== 'string') return null;
  if (!('refreshToken' in body) || typeof body.refreshToken !== 'string') return null;
  return { accessToken: body.accessToken, refreshToken: body.refreshToken };
}
