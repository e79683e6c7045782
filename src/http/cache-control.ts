import {
  Injectable,
  SetMetadata,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import type { Observable } from 'rxjs';
import { IS_PUBLIC } from '../common/auth/public.decorator.js';

/**
 * - `no-store`: the response carries a secret (tokens, tickets, a client secret, a session
 *   cookie): no cache may keep it (RFC 6749 §5.1 for tokens; `Pragma` for HTTP/1.0 caches).
 * - `private`: a signed-in read: browsers may keep it but must revalidate, shared caches never
 *   serve it, and one user's copy is never another's (`Vary: Authorization`).
 */
export type CachePolicy = 'no-store' | 'private';

const CACHE_POLICY = 'http:cache-policy';

/** Marks a route (or a controller) whose responses carry a secret. */
export const NoStore = (): MethodDecorator & ClassDecorator =>
  SetMetadata(CACHE_POLICY, 'no-store' satisfies CachePolicy);

/**
 * Sets `Cache-Control` before the handler runs, so error answers and idempotent replays carry it
 * too. Without a decorator: writes are `no-store`, signed-in reads `private`, public reads are
 * left to their handler.
 */
@Injectable()
export class CacheControlInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const targets = [context.getHandler(), context.getClass()];
    const req = context.switchToHttp().getRequest<Request>();
    const policy =
      this.reflector.getAllAndOverride<CachePolicy | undefined>(CACHE_POLICY, targets) ??
      defaultPolicy(req.method, this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets));
    if (policy) applyPolicy(context.switchToHttp().getResponse<Response>(), policy);
    return next.handle();
  }
}

function defaultPolicy(method: string, isPublic: boolean | undefined): CachePolicy | null {
  if (method !== 'GET' && method !== 'HEAD') return 'no-store';
  return isPublic ? null : 'private';
}

export function applyPolicy(res: Response, policy: CachePolicy): void {
  if (policy === 'no-store') {
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Pragma', 'no-cache');
    return;
  }
  res.setHeader('Cache-Control', 'private, no-cache');
  res.vary('Authorization');
}
