import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Checks a scrape's `Authorization` header against METRICS_TOKEN (no token configured: anyone
 * who can reach the port). Both sides are hashed first so the comparison takes the same time
 * whatever the length of the guess.
 */
export function metricsAuthorized(
  token: string | null,
  authorization: string | undefined,
): boolean {
  if (token === null) return true;
  const match = /^Bearer (.+)$/i.exec(authorization ?? '');
  if (!match) return false;
  return timingSafeEqual(digest(match[1]), digest(token));
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** The challenge a refused scrape gets. */
export const METRICS_CHALLENGE = 'Bearer realm="metrics"';

export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
