import { Inject, Injectable } from '@nestjs/common';
import type { AuthPrincipal } from '../common/auth/auth-principal.js';
import { APP_CONFIG, type AppConfig } from '../config/index.js';
import { assuranceOf, parseAmr } from './domain/assurance.js';
import { MfaEnrolmentService } from './mfa/mfa-enrolment.service.js';
import { StepUpService } from './mfa/step-up.service.js';
import { MfaRepository } from './repositories/mfa.repository.js';
import { SessionCache } from './session-cache.js';
import type { ClientInfo } from './client-info.js';
import { LoginService } from './login/login.service.js';
import { MfaChallengeService } from './mfa/mfa-challenge.service.js';
import { RefreshService } from './sessions/refresh.service.js';
import { SessionsService } from './sessions/sessions.service.js';
import type { SignedIn } from './session-tokens.js';
import type { MfaMethod } from './sign-in.js';

/** A session held by a backend-for-frontend on the user's behalf (the admin console). */
export interface DelegatedSession {
  userId: string;
  sessionId: string;
  role: string;
  email: string;
  accessToken: string;
  refreshToken: string;
  /** Seconds the access token lives. */
  expiresIn: number;
}

export type DelegatedSignIn =
  | { kind: 'signed-in'; session: DelegatedSession }
  | { kind: 'mfa-required'; mfaToken: string; methods: MfaMethod[] };

/**
 * The normal sign-in, refresh and logout use cases for a server that keeps the tokens instead of
 * the client (the console's backend-for-frontend in src/ops/console): same throttles, audit rows,
 * new-login alerts and MFA gate as POST /auth/login, /auth/mfa/challenge, /auth/refresh and
 * /auth/logout, without handing the tokens to a browser.
 */
@Injectable()
export class DelegatedSessions {
  constructor(
    private readonly logins: LoginService,
    private readonly mfa: MfaChallengeService,
    private readonly refreshes: RefreshService,
    private readonly sessions: SessionsService,
    private readonly cache: SessionCache,
    private readonly enrolment: MfaEnrolmentService,
    private readonly stepUps: StepUpService,
    private readonly factors: MfaRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async signIn(email: string, password: string, client: ClientInfo): Promise<DelegatedSignIn> {
    const outcome = await this.logins.login(
      { email, password, deviceName: 'Admin console' },
      client,
    );
    if (outcome.kind === 'mfa-required') {
      return { kind: 'mfa-required', mfaToken: outcome.mfaToken, methods: outcome.methods };
    }
    return { kind: 'signed-in', session: delegated(outcome) };
  }

  async completeMfa(mfaToken: string, code: string, client: ClientInfo): Promise<DelegatedSession> {
    return delegated(await this.mfa.challenge(mfaToken, code, client));
  }

  async refresh(refreshToken: string, client: ClientInfo): Promise<DelegatedSession> {
    return delegated(await this.refreshes.refresh(refreshToken, client));
  }

  isActive(session: Pick<DelegatedSession, 'userId' | 'sessionId'>): Promise<boolean> {
    return this.cache.isActive(session.sessionId, session.userId);
  }

  /**
   * Admin routes will answer `mfa-enrolment-required` to this session: ADMIN_MFA_REQUIRED is on,
   * the session is aal1 and the account has no second factor yet.
   */
  async needsMfaEnrolment(session: DelegatedSession): Promise<boolean> {
    if (!this.config.mfa.adminRequired || session.role !== 'admin') return false;
    if (principalOf(session).aal === 'aal2') return false;
    return !(await this.factors.hasActiveFactor(session.userId));
  }

  /**
   * POST /auth/mfa/totp/verify for a held session, which then continues at aal2 (the first code
   * proved the factor): the recovery codes, once, and the session with its new access token.
   */
  async confirmTotpEnrolment(
    session: DelegatedSession,
    code: string,
    client: ClientInfo,
  ): Promise<{ session: DelegatedSession; recoveryCodes: string[] }> {
    const principal = principalOf(session);
    const recoveryCodes = await this.enrolment.activate(principal, code, client);
    const access = await this.stepUps.afterEnrolment(principal, client);
    return {
      session: { ...session, accessToken: access.token, expiresIn: access.expiresIn },
      recoveryCodes,
    };
  }

  /** Logout: the underlying session ends (its refresh token and access tokens stop working). */
  end(session: Pick<DelegatedSession, 'userId' | 'sessionId'>, client: ClientInfo): Promise<void> {
    return this.sessions.logout(
      { userId: session.userId, sessionId: session.sessionId, role: 'user', amr: [], aal: 'aal1' },
      client,
    );
  }
}

function delegated(signedIn: SignedIn): DelegatedSession {
  return {
    userId: signedIn.user.id,
    sessionId: sessionIdOf(signedIn.accessToken),
    role: signedIn.user.role,
    email: signedIn.user.email,
    accessToken: signedIn.accessToken,
    refreshToken: signedIn.refreshToken,
    expiresIn: signedIn.expiresIn,
  };
}

/** The caller a held session's access token names (our own token: its claims are trusted). */
function principalOf(session: DelegatedSession): AuthPrincipal {
  const amr = parseAmr(claimsOf(session.accessToken).amr) ?? ['pwd'];
  const role = session.role === 'admin' ? 'admin' : 'user';
  return { userId: session.userId, sessionId: session.sessionId, role, amr, aal: assuranceOf(amr) };
}

function claimsOf(accessToken: string): { sid: string; amr?: unknown } {
  const payload = accessToken.split('.')[1] ?? '';
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as {
    sid: string;
    amr?: unknown;
  };
}

/** The `sid` claim of a token this module just signed (no need to verify our own signature). */
function sessionIdOf(accessToken: string): string {
  return claimsOf(accessToken).sid;
}
