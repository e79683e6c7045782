import { Injectable } from '@nestjs/common';
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

/** The `sid` claim of a token this module just signed (no need to verify our own signature). */
function sessionIdOf(accessToken: string): string {
  const payload = accessToken.split('.')[1] ?? '';
  return (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { sid: string }).sid;
}
