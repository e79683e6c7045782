import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';

export const REQUIRES_AAL2 = 'auth:requires-aal2';

/** The 403 of a sensitive route, added to the operation's documented 403 (if any). */
export const STEP_UP_403 =
  '`urn:problem:step-up-required`: the account has two-factor authentication on and this session has not used it yet (send a code to POST /auth/mfa/step-up, then retry with the new access token)';

/** The 403s the guard adds on admin routes (`@Roles('admin')`). */
export const ADMIN_MFA_403 = `Admin routes: ${STEP_UP_403}; \`urn:problem:mfa-enrolment-required\`: admins must turn two-factor authentication on first (ADMIN_MFA_REQUIRED)`;

/**
 * A sensitive operation (password change, MFA changes, account deletion, unlinking an identity):
 * on an account with MFA on, the session must be `aal2`, else 403 `step-up-required`. Accounts
 * without MFA are not affected. Admin routes (`@Roles('admin')`) get the same rule without it.
 */
export const RequiresAal2 = (): MethodDecorator & ClassDecorator =>
  applyDecorators(
    SetMetadata(REQUIRES_AAL2, true),
    ApiResponse({ status: 403, description: STEP_UP_403 }),
  );
