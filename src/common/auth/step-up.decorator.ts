import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';

export const REQUIRES_AAL2 = 'auth:requires-aal2';

/** The 403s of a sensitive route, as documented on each operation that has one. */
export const STEP_UP_403 =
  'Not allowed; or `urn:problem:step-up-required`: the account has two-factor authentication and this session has not used it yet (give a code to POST /auth/mfa/step-up, then retry with the new access token)';

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
