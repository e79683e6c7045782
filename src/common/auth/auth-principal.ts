import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';

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

/** The route needs one of these roles (and authentication). */
export const Roles = (...roles: Role[]): MethodDecorator & ClassDecorator =>
  SetMetadata(ROLES, roles);

/** The authenticated caller, in a controller method's parameters. */
export const CurrentUser = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext): AuthPrincipal => ctx.switchToHttp().getRequest().user,
);
