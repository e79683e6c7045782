import { Injectable, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard as PassportAuthGuard } from '@nestjs/passport';
import { ROLES, type AuthPrincipal, type Role } from '../common/auth/auth-principal.js';
import { IS_PUBLIC } from '../common/auth/public.decorator.js';
import { ProblemException } from '../http/problem.exception.js';

/**
 * Global guard (APP_GUARD): every route needs a valid access token of a live session unless it
 * is `@Public()`; `@Roles(...)` additionally restricts by role (403).
 */
@Injectable()
export class AuthGuard extends PassportAuthGuard('jwt') {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    await super.canActivate(context);
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES, targets);
    if (roles && roles.length > 0) {
      const principal = context.switchToHttp().getRequest<{ user: AuthPrincipal }>().user;
      if (!roles.includes(principal.role)) {
        throw new ProblemException({
          status: 403,
          slug: 'forbidden',
          detail: 'Your account is not allowed to do this.',
        });
      }
    }
    return true;
  }

  /**
   * One problem for every token failure: which check failed is not the client's business.
   * `err` is set only when validate() threw (database down): that is a 5xx, not a 401.
   */
  override handleRequest<TUser = AuthPrincipal>(err: unknown, user: TUser | false): TUser {
    if (err) throw err;
    if (!user) {
      throw new ProblemException({
        status: 401,
        slug: 'unauthenticated',
        detail: 'A valid access token is required. Refresh it or sign in again.',
        headers: { 'WWW-Authenticate': 'Bearer realm="api"' },
      });
    }
    return user;
  }
}
