import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { ROLES, type AuthPrincipal, type Role } from '../../common/auth/auth-principal.js';
import { IS_PUBLIC } from '../../common/auth/public.decorator.js';
import { REQUIRES_AAL2 } from '../../common/auth/step-up.decorator.js';
import { ProblemException } from '../../http/problem.exception.js';
import { JwtStrategy } from './jwt.strategy.js';
import { runStrategy } from './run-strategy.js';
import { StepUpPolicy } from './step-up-policy.js';

/**
 * Global guard (APP_GUARD): every route needs a valid access token of a live session unless it
 * is `@Public()`; `@Roles(...)` additionally restricts by role (403). The token is checked by the
 * passport-jwt strategy (JwtStrategy), run directly rather than through `AuthGuard('jwt')`'s
 * middleware plumbing: this is the hot path of every authenticated request. Sensitive routes
 * (`@RequiresAal2()`, admin routes) then need an aal2 session on accounts with MFA on.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly strategy: JwtStrategy,
    private readonly stepUp: StepUpPolicy,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const req = context.switchToHttp().getRequest<Request & { user?: AuthPrincipal }>();
    const principal = authenticated(await runStrategy(this.strategy, req));
    req.user = principal;
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES, targets);
    if (roles && roles.length > 0 && !roles.includes(principal.role)) {
      throw new ProblemException({
        status: 403,
        slug: 'forbidden',
        detail: 'Your account is not allowed to do this.',
      });
    }
    await this.stepUp.check(principal, {
      aal2: this.reflector.getAllAndOverride<boolean>(REQUIRES_AAL2, targets) === true,
      admin: roles?.includes('admin') === true,
    });
    return true;
  }
}

/**
 * One problem for every token failure: which check failed is not the client's business.
 * `error` is set only when validate() threw (database down): that is a 5xx, not a 401.
 */
function authenticated(outcome: { error: unknown; user: unknown }): AuthPrincipal {
  if (outcome.error) throw outcome.error;
  if (!outcome.user) {
    throw new ProblemException({
      status: 401,
      slug: 'unauthenticated',
      detail: 'A valid access token is required. Refresh it or sign in again.',
      headers: { 'WWW-Authenticate': 'Bearer realm="api"' },
    });
  }
  return outcome.user as AuthPrincipal;
}
