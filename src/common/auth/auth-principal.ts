import {
  applyDecorators,
  createParamDecorator,
  SetMetadata,
  type ExecutionContext,
} from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { ADMIN_MFA_403 } from './step-up.decorator.js';

export type Role = 'user' | 'admin';

/** Who is calling: set on the request by the global auth guard (AuthModule). */
export interface AuthPrincipal {
  userId: string;
  sessionId: string;
  role: Role;
  /** How the session was authenticated (`pwd`, `oidc`, `otp`, `recovery`, `passkey`). */
  amr: readonly string[];
  /** `aal2` once a second factor or a passkey was used in this session. */
  aal: 'aal1' | 'aal2';
}

export const ROLES = 'auth:roles';

/**
 * The route needs one of these roles (and authentication). Admin routes also need the admin's
 * second factor when they have MFA on (and MFA itself with ADMIN_MFA_REQUIRED): documented here.
 */
export const Roles = (...roles: Role[]): MethodDecorator & ClassDecorator =>
  roles.includes('admin')
    ? applyDecorators(
        SetMetadata(ROLES, roles),
        ApiResponse({ status: 403, description: ADMIN_MFA_403 }),
      )
    : SetMetadata(ROLES, roles);

/** The authenticated caller, in a controller method's parameters. */
export const CurrentUser = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext): AuthPrincipal => ctx.switchToHttp().getRequest().user,
);
