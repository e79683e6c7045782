import { IDEMPOTENCY_KEY } from './paths.js';
import { failureResponse, type SingleFlightRefresh } from './refresh.js';
import type { TokenStore } from './tokens.js';

export type Fetch = (request: Request) => Promise<Response>;

export interface RetryPolicy {
  /** Retries after the first attempt (0: none). */
  attempts: number;
  /** A `Retry-After` longer than this is returned to the caller instead of waited for. */
  maxDelayMs: number;
}

/**
 * Sends with the stored access token; on a 401 that refuses the token, refreshes once (shared
 * with every other refused request) and sends again with the new pair. Requests carrying their
 * own `Authorization`, and calls while signed out, go out as they are.
 */
export function authorizedFetch(
  send: Fetch,
  tokens: TokenStore,
  refresh: SingleFlightRefresh,
): Fetch {
  return async (request) => {
    if (request.headers.has('Authorization')) return send(request);
    const pair = await tokens.get();
    if (!pair) return send(request);
    const first = await send(withBearer(request.clone(), pair.accessToken));
    if (!(await refusesToken(first))) return first;
    const outcome = await refresh.after(pair);
    if ('failure' in outcome && outcome.failure.status === 401) return first;
    await first.body?.cancel();
    // A refresh that failed otherwise (429, 503) answers for the call: that is what to act on.
    if ('failure' in outcome) return failureResponse(outcome.failure);
    return send(withBearer(request, outcome.pair.accessToken));
  };
}

/**
 * Retries a request that carries an `Idempotency-Key` (the server deduplicates it) after a network
 * failure, or an answer that names its own wait (409 still running, 429, 503 with `Retry-After`),
 * with the same key every time. Other requests are sent once.
 */
export function retryingFetch(
  send: Fetch,
  policy: RetryPolicy,
  sleep: (ms: number) => Promise<void>,
): Fetch {
  return async (request) => {
    if (!request.headers.has(IDEMPOTENCY_KEY)) return send(request);
    for (let attempt = 0; ; attempt++) {
      const last = attempt >= policy.attempts;
      let response: Response;
      try {
        response = await send(request.clone());
      } catch (error) {
        if (last || request.signal.aborted) throw error;
        await sleep(Math.min(250 * 2 ** attempt, policy.maxDelayMs));
        continue;
      }
      const wait = retryAfterMs(response);
      if (last || wait === null || wait > policy.maxDelayMs) return response;
      await response.body?.cancel();
      await sleep(wait);
    }
  };
}

function withBearer(request: Request, accessToken: string): Request {
  const copy = new Request(request);
  copy.headers.set('Authorization', `Bearer ${accessToken}`);
  return copy;
}

/** A 401 that refuses the access token (RFC 6750 challenge), not one for bad credentials. */
async function refusesToken(response: Response): Promise<boolean> {
  if (response.status !== 401) return false;
  if (/^bearer\b/i.test(response.headers.get('WWW-Authenticate') ?? '')) return true;
  // Browsers only expose WWW-Authenticate cross-origin if the server lists it: read the problem.
  const body: unknown = await response
    .clone()
    .json()
    .catch(() => null);
  return (
    typeof body === 'object' &&
    body !== null &&
    'type' in body &&
    body.type === 'urn:problem:unauthenticated'
  );
}

const RETRIED_STATUSES = new Set([409, 429, 503]);

function retryAfterMs(response: Response): number | null {
  if (!RETRIED_STATUSES.has(response.status)) return null;
  const header = response.headers.get('Retry-After')?.trim();
  if (!header || !/^\d+$/.test(header)) return null;
  return Number(header) * 1000;
}
