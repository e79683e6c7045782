import { applyDecorators, Header } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';

/**
 * Marks a read whose answer carries a secret (a payment's client secret): `no-store`, as every
 * write already gets from `cacheControl()`. Nest sets these after the handler, over the default.
 */
export const NoStore = (): MethodDecorator =>
  applyDecorators(Header('Cache-Control', 'no-store'), Header('Pragma', 'no-cache'));

/**
 * The default caching of every answer, set before routing so that errors and idempotent replays
 * carry it too:
 * - writes: `no-store` (tokens, tickets, cookies and client secrets all come from writes; RFC
 *   6749 §5.1 for tokens; `Pragma` for HTTP/1.0 caches);
 * - reads sent with credentials: `private, no-cache`: browsers may keep them but must
 *   revalidate, shared caches never serve them, one user's copy is never another's (`Vary`);
 * - anonymous reads (health, docs): left to their handler.
 * A middleware rather than an interceptor: an interceptor wraps every handler in RxJS
 * observables, which cost `/users/me` measurable CPU (bench/README.md).
 */
export function cacheControl() {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Cache-Control', 'no-store');
      res.setHeader('Pragma', 'no-cache');
    } else if (req.headers.authorization !== undefined) {
      res.setHeader('Cache-Control', 'private, no-cache');
      res.vary('Authorization');
    }
    next();
  };
}
