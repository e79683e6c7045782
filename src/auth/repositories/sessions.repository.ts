import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, IsNull, Not, Repository, type EntityManager, type FindOptionsWhere } from 'typeorm';
import { keysetPage, type Page, type PageRequest } from '../../common/pagination/keyset.js';
import type { AuthEventRow } from '../audit-trail.js';
import type { AuthMethod } from '../domain/assurance.js';
import { Session, type RevocationReason } from '../entities/session.entity.js';

export interface NewSession {
  userId: string;
  currentTokenHash: string;
  deviceName: string;
  userAgent: string | null;
  ipAddress: string | null;
  amr: AuthMethod[];
  at: Date;
}

/** Which live sessions a revocation ends: listed ones, or a user's (all, one, or all but one). */
export type RevocationTarget =
  { sessionIds: string[] } | { userId: string; sessionId?: string; exceptSessionId?: string };

export interface Rotation {
  sessionId: string;
  presentedHash: string;
  nextHash: string;
  at: Date;
  ipAddress: string | null;
  userAgent: string | null;
}

/** Every query of the sessions table. */
@Injectable()
export class SessionsRepository {
  constructor(@InjectRepository(Session) private readonly sessions: Repository<Session>) {}

  /**
   * Inserts the session and its `login_succeeded` audit row in one statement (START_SESSION_SQL)
   * and says whether the login comes from a client not seen since `newClientSince`.
   */
  async startWithLoginEvent(
    session: NewSession,
    event: AuthEventRow,
    newClientSince: Date,
  ): Promise<{ id: string; newClient: boolean }> {
    const rows: Array<{ id: string; new_client: boolean }> = await this.sessions.query(
      START_SESSION_SQL,
      [
        session.userId,
        session.currentTokenHash,
        session.deviceName,
        session.userAgent,
        session.ipAddress,
        session.at,
        event.type,
        event.ipAddress,
        event.userAgent,
        event.requestId,
        JSON.stringify(event.details),
        newClientSince,
        session.amr,
      ],
    );
    return { id: rows[0].id, newClient: rows[0].new_client };
  }

  /** The session whose current or previous refresh token has this hash. */
  findByTokenHash(tokenHash: string): Promise<Session | null> {
    return this.sessions.findOne({
      where: [{ currentTokenHash: tokenHash }, { previousTokenHash: tokenHash }],
    });
  }

  /** What the per-request session check needs. */
  findForCheck(sessionId: string): Promise<Session | null> {
    return this.sessions.findOne({
      where: { id: sessionId },
      select: { id: true, userId: true, createdAt: true, lastUsedAt: true, revokedAt: true },
    });
  }

  /**
   * Conditional on the presented hash still being current: of two racing refreshes one wins.
   * False when this one lost.
   */
  async rotate(rotation: Rotation): Promise<boolean> {
    const result = await this.sessions
      .createQueryBuilder()
      .update(Session)
      .set({
        previousTokenHash: rotation.presentedHash,
        currentTokenHash: rotation.nextHash,
        rotatedAt: rotation.at,
        lastUsedAt: rotation.at,
        ipAddress: rotation.ipAddress,
        userAgent: rotation.userAgent,
      })
      .where('id = :id AND current_token_hash = :presentedHash AND revoked_at IS NULL', {
        id: rotation.sessionId,
        presentedHash: rotation.presentedHash,
      })
      .execute();
    return result.affected === 1;
  }

  /** A user's sessions that are neither revoked nor past the given cutoffs, newest first. */
  pageOfLive(
    userId: string,
    cutoffs: { createdAfter: Date; usedAfter: Date },
    page: PageRequest,
  ): Promise<Page<Session>> {
    const query = this.sessions
      .createQueryBuilder('s')
      .where('s.user_id = :userId AND s.revoked_at IS NULL', { userId })
      .andWhere('s.created_at > :absoluteCutoff AND s.last_used_at > :idleCutoff', {
        absoluteCutoff: cutoffs.createdAfter,
        idleCutoff: cutoffs.usedAfter,
      });
    return keysetPage(query, 's', page);
  }

  /** Revokes the target's live sessions in their own statements; returns the ids revoked. */
  revoke(target: RevocationTarget, reason: RevocationReason, at: Date): Promise<string[]> {
    return this.revokeIn(this.sessions.manager, target, reason, at);
  }

  /** Revokes the target's live sessions in the caller's transaction; returns the ids revoked. */
  async revokeIn(
    manager: EntityManager,
    target: RevocationTarget,
    reason: RevocationReason,
    at: Date,
  ): Promise<string[]> {
    const repo = manager.getRepository(Session);
    const targets = await repo.find({ where: whereOf(target), select: { id: true } });
    if (targets.length === 0) return [];
    const ids = targets.map((s) => s.id);
    const result = await repo
      .createQueryBuilder()
      .update(Session)
      .set({ revokedAt: at, revokedReason: reason })
      .where('id IN (:...ids) AND revoked_at IS NULL', { ids })
      .returning(['id'])
      .execute();
    return (result.raw as Array<{ id: string }>).map((r) => r.id);
  }

  /**
   * A step-up: the live session's methods now include the second factor. Returns the session's
   * creation time (its absolute lifetime runs from it), or null when it is no longer live.
   */
  async setAmr(sessionId: string, userId: string, amr: AuthMethod[]): Promise<Date | null> {
    const result = await this.sessions
      .createQueryBuilder()
      .update(Session)
      .set({ amr })
      .where('id = :sessionId AND user_id = :userId AND revoked_at IS NULL', { sessionId, userId })
      .returning('"created_at"')
      .execute();
    const [row] = result.raw as Array<{ created_at: Date }>;
    return row ? row.created_at : null;
  }
}

function whereOf(target: RevocationTarget): FindOptionsWhere<Session> {
  if ('sessionIds' in target) return { id: In(target.sessionIds), revokedAt: IsNull() };
  return {
    userId: target.userId,
    revokedAt: IsNull(),
    ...(target.sessionId ? { id: target.sessionId } : {}),
    ...(target.exceptSessionId ? { id: Not(target.exceptSessionId) } : {}),
  };
}

/**
 * The session row (columns as the entity maps them; the others take their defaults) and the
 * audit row naming it. The data-modifying CTE runs even though the outer SELECT ignores it.
 * `new_client`: the account signed in before, but not with this user agent since $12. The
 * subqueries see the statement's snapshot, so not the audit row it inserts.
 */
const START_SESSION_SQL = `
  WITH s AS (
    INSERT INTO "sessions"
      ("user_id", "current_token_hash", "device_name", "user_agent", "ip_address", "last_used_at", "created_at", "amr")
    VALUES ($1, $2, $3, $4, $5, $6, $6, $13::text[])
    RETURNING "id"
  ), e AS (
    INSERT INTO "auth_events"
      ("type", "user_id", "session_id", "ip_address", "user_agent", "request_id", "details")
    SELECT $7, $1, s."id", $8, $9, $10, $11::jsonb FROM s
  )
  SELECT "id",
         EXISTS (SELECT 1 FROM "auth_events" WHERE "user_id" = $1 AND "type" = 'login_succeeded')
         AND NOT EXISTS (
           SELECT 1 FROM "auth_events"
            WHERE "user_id" = $1 AND "type" = 'login_succeeded' AND "created_at" > $12
              AND "user_agent" IS NOT DISTINCT FROM $9
         ) AS "new_client"
    FROM s`;
