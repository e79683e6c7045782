import { Inject, Injectable } from '@nestjs/common';
import type { AuthPrincipal } from '../../common/auth/auth-principal.js';
import { Clock } from '../../common/clock.js';
import type { Page, PageRequest } from '../../common/pagination/keyset.js';
import { APP_CONFIG, type AppConfig } from '../../config/index.js';
import { UsersService } from '../../users/index.js';
import { AuditTrail } from '../audit-trail.js';
import type { ClientInfo } from '../client-info.js';
import { sessionNotFound } from '../domain/auth.errors.js';
import { SessionsRepository } from '../repositories/sessions.repository.js';
import { SessionRevocation } from '../session-revocation.js';
import type { SessionView } from './sessions.service.js';

/**
 * An administrator's view of another user's sessions (the admin console): list them, end one or
 * all. Every ending is audited on the user's trail with the admin as actor.
 */
@Injectable()
export class AdminSessionsService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly users: UsersService,
    private readonly sessions: SessionsRepository,
    private readonly revocation: SessionRevocation,
    private readonly audit: AuditTrail,
  ) {}

  async list(admin: AuthPrincipal, userId: string, page: PageRequest): Promise<Page<SessionView>> {
    await this.users.getById(userId);
    const now = this.clock.now().getTime();
    const { idleTimeoutMs, absoluteLifetimeMs } = this.config.auth.session;
    const { items, nextCursor } = await this.sessions.pageOfLive(
      userId,
      {
        createdAfter: new Date(now - absoluteLifetimeMs),
        usedAfter: new Date(now - idleTimeoutMs),
      },
      page,
    );
    return {
      items: items.map((session) => ({ session, current: session.id === admin.sessionId })),
      nextCursor,
    };
  }

  /** One live session of the user; a session of someone else (or ended) is a 404. */
  async revokeOne(
    admin: AuthPrincipal,
    userId: string,
    sessionId: string,
    client: ClientInfo,
  ): Promise<void> {
    const revoked = await this.revocation.revoke({ userId, sessionId }, 'admin_revoked');
    if (revoked.length === 0) throw sessionNotFound();
    await this.audit.record({
      type: 'session_revoked',
      userId,
      sessionId,
      actorId: admin.userId,
      client,
    });
  }

  /** Every live session of the user; returns how many ended. */
  async revokeAll(admin: AuthPrincipal, userId: string, client: ClientInfo): Promise<number> {
    await this.users.getById(userId);
    const revoked = await this.revocation.revoke({ userId }, 'admin_revoked');
    await this.audit.record({
      type: 'logout_all',
      userId,
      actorId: admin.userId,
      client,
      details: { revokedSessions: revoked.length, byAdmin: true },
    });
    return revoked.length;
  }
}
