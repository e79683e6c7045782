import { Inject, Injectable } from '@nestjs/common';
import type { AuthPrincipal } from '../../common/auth/auth-principal.js';
import { APP_CONFIG, type AppConfig } from '../../config/index.js';
import { AccessTokens, type IssuedAccessToken } from '../access-tokens.js';
import { AuditTrail } from '../audit-trail.js';
import type { ClientInfo } from '../client-info.js';
import { isAuthMethod, type AuthMethod } from '../domain/assurance.js';
import { invalidRefreshToken, mfaNotEnabled } from '../domain/auth.errors.js';
import { withSecondFactor } from '../domain/second-factor.js';
import { MfaRepository } from '../repositories/mfa.repository.js';
import { SessionsRepository } from '../repositories/sessions.repository.js';
import { SecondFactor } from '../second-factor.js';

/**
 * Step-up (POST /auth/mfa/step-up): a signed-in aal1 session of an MFA account gives a second
 * factor; the session becomes aal2 (its refreshes keep it) and a new access token says so.
 */
@Injectable()
export class StepUpService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly mfa: MfaRepository,
    private readonly secondFactor: SecondFactor,
    private readonly sessions: SessionsRepository,
    private readonly accessTokens: AccessTokens,
    private readonly audit: AuditTrail,
  ) {}

  async stepUp(
    principal: AuthPrincipal,
    code: string,
    client: ClientInfo,
  ): Promise<IssuedAccessToken> {
    if (!(await this.mfa.hasActiveFactor(principal.userId))) throw mfaNotEnabled();
    const method = await this.secondFactor.verify(principal.userId, code, client);
    return this.raise(principal, method, client);
  }

  /**
   * The session that just turned MFA on with the app's first code has proved that factor: it
   * becomes aal2 without a second code (which could not come before the next 30-second step).
   * No weaker than the alternative: the same password could sign in again with the new app.
   */
  afterEnrolment(principal: AuthPrincipal, client: ClientInfo): Promise<IssuedAccessToken> {
    return this.raise(principal, 'otp', client);
  }

  private async raise(
    principal: AuthPrincipal,
    method: AuthMethod,
    client: ClientInfo,
  ): Promise<IssuedAccessToken> {
    const amr = withSecondFactor(principal.amr.filter(isAuthMethod), method);
    const createdAt = await this.sessions.setAmr(principal.sessionId, principal.userId, amr);
    // The session ended between the guard's check and now.
    if (!createdAt) throw invalidRefreshToken();
    await this.audit.record({
      type: 'mfa_step_up',
      userId: principal.userId,
      sessionId: principal.sessionId,
      client,
      details: { method },
    });
    const endsAt = new Date(createdAt.getTime() + this.config.auth.session.absoluteLifetimeMs);
    return this.accessTokens.issue(
      { userId: principal.userId, sessionId: principal.sessionId, role: principal.role, amr },
      endsAt,
    );
  }
}
