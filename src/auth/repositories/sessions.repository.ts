import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, IsNull, Not, Repository, type EntityManager, type FindOptionsWhere } from 'typeorm';
import { keysetPage, type Page, type PageRequest } from '../../common/pagination/keyset.js';
import type { AuthEventRow } from '../audit-trail.js';
import type { AuthMethod } from '../domain/assurance.js';
import { SessionRetiredToken } from '../entities/session-retired-token.entity.js';
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

/** A session found by one of its refresh tokens; `retired` when the token is an older one. */
export interface SessionByToken {
  session: Session;
  retired: { tokenHash: string; retiredAt: Date } | null;
}

/** Every query of the sessions table and of its retired token hashes. */
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

  /**
   * The session that issued a refresh token of this hash (current, previous or retired), in one
   * query. The retired row is looked up first, as a scalar subquery (an InitPlan, run once), so
   * each branch of the OR is an index scan: a join in the OR would scan every session.
   */
  async findByTokenHash(tokenHash: string): Promise<SessionByToken | null> {
    const { entities, raw } = await this.sessions
      .createQueryBuilder('s')
      .leftJoin(SessionRetiredToken, 'r', 'r.session_id = s.id AND r.token_hash = :tokenHash')
      .addSelect('r.token_hash', 'retired_hash')
      .addSelect('r.retired_at', 'retired_at')
      .where('s.current_token_hash = :tokenHash OR s.previous_token_hash = :tokenHash')
      .orWhere(
        's.id = (SELECT session_id FROM session_retired_tokens WHERE token_hash = :tokenHash)',
      )
      .setParameters({ tokenHash })
      .getRawAndEntities<{ retired_hash: string | null; retired_at: Date | null }>();
    const [session] = entities;
    if (!session) return null;
    const { retired_hash: retiredHash, retired_at: retiredAt } = raw[0] ?? {};
    return {
      session,
      retired: retiredHash && retiredAt ? { tokenHash: retiredHash, retiredAt } : null,
    };
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
   * In the same statement (ROTATE_SQL) the hash pushed out of the previous slot is retired.
   * False when this one lost.
   */
  async rotate(rotation: Rotation): Promise<boolean> {
    const rows: Array<{ rotated: number }> = await this.sessions.query(ROTATE_SQL, [
      rotation.sessionId,
      rotation.presentedHash,
      rotation.nextHash,
      rotation.at,
      rotation.ipAddress,
      rotation.userAgent,
    ]);
    return rows[0]?.rotated === 1;
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

/**
 * The rotation and the retirement of the hash it pushes out of the previous slot, atomic in one
 * round trip. `old` locks the row first, so it reads the previous hash this very UPDATE
 * replaces: a racing rotation waits for it, then finds the presented hash no longer current
 * (READ COMMITTED rechecks the condition on the new row) and changes nothing. The first
 * rotation of a session has no previous hash to retire.
 */
const ROTATE_SQL = `
  WITH old AS (
    SELECT "id", "previous_token_hash" FROM "sessions"
     WHERE "id" = $1 AND "current_token_hash" = $2 AND "revoked_at" IS NULL
       FOR UPDATE
  ), rotated AS (
    UPDATE "sessions" s
       SET "previous_token_hash" = $2, "current_token_hash" = $3, "rotated_at" = $4,
           "last_used_at" = $4, "ip_address" = $5, "user_agent" = $6, "updated_at" = now()
      FROM old
     WHERE s."id" = old."id"
    RETURNING s."id", old."previous_token_hash" AS "retired_hash"
  ), retired AS (
    INSERT INTO "session_retired_tokens" ("token_hash", "session_id", "retired_at")
    SELECT "retired_hash", "id", $4 FROM rotated WHERE "retired_hash" IS NOT NULL
  )
  SELECT count(*)::int AS "rotated" FROM rotated`;
