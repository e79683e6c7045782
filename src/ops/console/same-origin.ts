/** What a browser tells about where a request comes from. */
export interface RequestOrigin {
  /** `Sec-Fetch-Site` (sent by every current browser). */
  fetchSite: string | undefined;
  /** `Origin` (sent by browsers on every unsafe request). */
  origin: string | undefined;
  /** This server's own origin as the browser addressed it: `http://localhost:3000`. */
  self: string;
}

/**
 * Defence in depth beside the CSRF token: an unsafe console request must say it comes from the
 * console's own origin. `Sec-Fetch-Site` decides when present (it cannot be set by page
 * scripts); otherwise `Origin` must be ours. A request with neither is refused: every browser
 * that can run the console sends one of them, and a script outside a browser has no cookie to
 * ride on.
 */
export function isSameOrigin(request: RequestOrigin): boolean {
  if (request.fetchSite !== undefined) return request.fetchSite === 'same-origin';
  if (request.origin === undefined || request.origin === 'null') return false;
  return request.origin.toLowerCase() === request.self.toLowerCase();
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function isUnsafeMethod(method: string): boolean {
  return !SAFE_METHODS.has(method.toUpperCase());
}
