import { Inject, Injectable } from '@nestjs/common';
import type { AuthPrincipal } from '../../common/auth/auth-principal.js';
import { Clock } from '../../common/clock.js';
import type { Page, PageRequest } from '../../common/pagination/keyset.js';
import { APP_CONFIG, type AppConfig } from '../../config/index.js';
import { AuditTrail } from '../audit-trail.js';
import type { ClientInfo } from '../client-info.js';
import { sessionNotFound } from '../domain/auth.errors.js';
import type { Session } from '../entities/session.entity.js';
import { SessionsRepository } from '../repositories/sessions.repository.js';
import { SessionRevocation } from '../session-revocation.js';

/** A signed-in device as its owner sees it in the list. */
export interface SessionView {
  session: Session;
  /** The session the request was made with. */
  current: boolean;
}

/** A user's own sessions: listing them and ending one, the current one, or all. */
@Injectable()
export class SessionsService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly sessions: SessionsRepository,
    private readonly revocation: SessionRevocation,
    private readonly audit: AuditTrail,
  ) {}

  async list(principal: AuthPrincipal, page: PageRequest): Promise<Page<SessionView>> {
    const now = this.clock.now().getTime();
    const { idleTimeoutMs, absoluteLifetimeMs } = this.config.auth.session;
    const { items, nextCursor } = await this.sessions.pageOfLive(
      principal.userId,
      {
        createdAfter: new Date(now - absoluteLifetimeMs),
        usedAfter: new Date(now - idleTimeoutMs),
      },
      page,
    );
    return {
      items: items.map((session) => ({ session, current: session.id === principal.sessionId })),
      nextCursor,
    };
  }

  /** One of the caller's own live sessions; anyone else's id is a 404 like a missing one. */
  async revokeOwn(userId: string, sessionId: string, client: ClientInfo): Promise<void> {
    const revoked = await this.revocation.revoke({ userId, sessionId }, 'user_revoked');
    if (revoked.length === 0) throw sessionNotFound();
    await this.audit.record({ type: 'session_revoked', userId, sessionId, client });
  }

  async logout(principal: AuthPrincipal, client: ClientInfo): Promise<void> {
    await this.revocation.revoke({ sessionIds: [principal.sessionId] }, 'logout');
    await this.audit.record({
      type: 'logout',
      userId: principal.userId,
      sessionId: principal.sessionId,
      client,
    });
  }

  /** Ends every session of the caller but the current one (or that too); returns how many. */
  async logoutAll(
    principal: AuthPrincipal,
    includeCurrent: boolean,
    client: ClientInfo,
  ): Promise<number> {
    const ids = await this.revocation.revoke(
      {
        userId: principal.userId,
        exceptSessionId: includeCurrent ? undefined : principal.sessionId,
      },
      'logout_all',
    );
    await this.audit.record({
      type: 'logout_all',
      userId: principal.userId,
      sessionId: principal.sessionId,
      client,
      details: { revokedSessions: ids.length, includeCurrent },
    });
    return ids.length;
  }
}
