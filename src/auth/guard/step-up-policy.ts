import { Inject, Injectable } from '@nestjs/common';
import type { AuthPrincipal } from '../../common/auth/auth-principal.js';
import { APP_CONFIG, type AppConfig } from '../../config/index.js';
import { ProblemException } from '../../http/problem.exception.js';
import { MfaRepository } from '../repositories/mfa.repository.js';

/** What a route asks of the session's assurance, from its decorators. */
export interface AssuranceNeeds {
  /** `@RequiresAal2()`: aal2 when the account has MFA on. */
  aal2: boolean;
  /** An admin route (`@Roles('admin')`): the same, and MFA itself when ADMIN_MFA_REQUIRED. */
  admin: boolean;
}

/**
 * Step-up for sensitive routes, checked by the guard after the token. An aal2 session passes
 * without a query, and routes that ask nothing cost nothing; the others look up whether the
 * account has MFA on (one indexed query).
 */
@Injectable()
export class StepUpPolicy {
  constructor(
    private readonly mfa: MfaRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async check(principal: AuthPrincipal, needs: AssuranceNeeds): Promise<void> {
    if (principal.aal === 'aal2' || (!needs.aal2 && !needs.admin)) return;
    if (await this.mfa.hasActiveFactor(principal.userId)) throw stepUpRequired();
    if (needs.admin && this.config.mfa.adminRequired) throw mfaEnrolmentRequired();
  }
}

function stepUpRequired(): ProblemException {
  return new ProblemException({
    status: 403,
    slug: 'step-up-required',
    detail:
      'This needs your second factor: send a code to POST /api/v1/auth/mfa/step-up, then retry with the new access token.',
  });
}

function mfaEnrolmentRequired(): ProblemException {
  return new ProblemException({
    status: 403,
    slug: 'mfa-enrolment-required',
    detail:
      'Admins must use two-factor authentication: turn it on with POST /api/v1/auth/mfa/totp, then sign in again.',
  });
}
