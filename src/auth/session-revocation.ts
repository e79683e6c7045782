import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock } from '../common/clock.js';
import { StreamService } from '../notifications/index.js';
import type { RevocationReason } from './entities/session.entity.js';
import { SessionCache } from './session-cache.js';
import { SessionsRepository, type RevocationTarget } from './repositories/sessions.repository.js';

/**
 * Ending sessions, for every use case that does: the rows, then (once committed) the cache that
 * makes their access tokens fail and the notification streams they hold open.
 */
@Injectable()
export class SessionRevocation {
  private readonly logger = new Logger(SessionRevocation.name);

  constructor(
    private readonly sessions: SessionsRepository,
    private readonly cache: SessionCache,
    private readonly streams: StreamService,
    private readonly clock: Clock,
  ) {}

  /** Revokes at once, outside any transaction; returns the ids revoked. */
  async revoke(target: RevocationTarget, reason: RevocationReason): Promise<string[]> {
    const revoked = await this.sessions.revoke(target, reason, this.clock.now());
    await this.markRevoked(revoked);
    return revoked;
  }

  /**
   * Revokes in the caller's transaction and returns the ids, which the caller hands to
   * markRevoked after the commit (a rollback must not log anyone out).
   */
  revokeIn(
    manager: EntityManager,
    target: RevocationTarget,
    reason: RevocationReason,
  ): Promise<string[]> {
    return this.sessions.revokeIn(manager, target, reason, this.clock.now());
  }

  /**
   * After a transaction that revoked sessions committed: make their access tokens fail and end
   * their notification streams (on every instance) now. Failures are logged, not thrown: the
   * revocation itself is committed, and the cache entries expire within a minute.
   */
  async markRevoked(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await Promise.all([
      this.cache.markRevoked(ids),
      this.streams
        .closeSessions(ids)
        .catch((err: unknown) =>
          this.logger.error({ err, sessions: ids.length }, 'streams of revoked sessions not ended'),
        ),
    ]);
  }
}
