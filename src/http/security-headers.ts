import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet, { type HelmetOptions } from 'helmet';

type Middleware = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

/**
 * helmet's headers, computed once. helmet() runs a chain of a dozen middleware per request, each
 * setting one header that never changes (no CSP nonces here); replaying the recorded headers
 * gives the same response for a fraction of the cost (bench/README.md, `me` scenario).
 */
export function securityHeaders(options?: Readonly<HelmetOptions>): Middleware {
  const set: Array<[string, string]> = [];
  const removed: string[] = [];
  const recorder = {
    setHeader(name: string, value: unknown) {
      set.push([name, Array.isArray(value) ? value.join(', ') : String(value)]);
      return recorder;
    },
    removeHeader(name: string) {
      removed.push(name);
    },
    getHeader: () => undefined,
  };
  let completed = false;
  helmet(options)({} as IncomingMessage, recorder as unknown as ServerResponse, (err?: unknown) => {
    if (err) throw err instanceof Error ? err : new Error(String(err));
    completed = true;
  });
  // helmet's chain is synchronous; anything else would mean per-request logic we cannot replay.
  if (!completed) throw new Error('helmet did not complete synchronously');
  return (_req, res, next) => {
    for (const [name, value] of set) res.setHeader(name, value);
    for (const name of removed) res.removeHeader(name);
    next();
  };
}
