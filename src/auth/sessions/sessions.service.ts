import { Inject, Injectable, Logger, NotFoundException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Redis } from 'ioredis';
import { EntityManager, In, IsNull, Not, Repository } from 'typeorm';
import { Clock } from '../common/clock.js';
import { APP_CONFIG, type AppConfig } from '../config/index.js';
import { ProblemException } from '../http/problem.exception.js';
import { toUserResponse } from '../users/index.js';
import { cursorTimestampSql, decodeCursor, encodeCursor } from '../common/pagination/keyset.js';
import type { User } from '../users/index.js';
import { UsersService } from '../users/index.js';
import { StreamService } from '../notifications/index.js';
import { AccessTokens } from './access-tokens.js';
import { AuthEventsService } from './auth-events.service.js';
import { AuthThrottle } from './auth-throttle.service.js';
import type { ClientInfo } from './client-info.js';
import { deviceNameFrom } from './device-name.js';
import { decideRefresh, sessionExpiry } from './domain/session-rules.js';
import { generateOpaqueToken, hashToken } from './domain/tokens.js';
import type { TokenResponseDto } from './dto/auth.dto.js';
import type { SessionPageDto } from './dto/session.dto.js';
import { Session, type RevocationReason } from './entities/session.entity.js';
import { openPair, sealPair, type TokenPair } from './refresh-grace.js';
import { SessionCache } from './session-cache.js';

/** A user agent unseen on an account for this long is a new client again (new-login alert). */
const NEW_CLIENT_AFTER_MS = 180 * 24 * 3600 * 1000;

const INVALID_REFRESH = () =>
  new ProblemException({
    status: 401,
    slug: 'invalid-refresh-token',
    detail: 'The refresh token is invalid, expired or revoked. Sign in again.',
  });

/** Sessions per device: creation at login, rotation with reuse detection, listing, revocation. */
@Injectable()
export class SessionsService {
  private readonly logger = new Logger(SessionsService.name);

  constructor(
    @InjectRepository(Session) private readonly sessions: Repository<Session>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly redis: Redis,
    private readonly cache: SessionCache,
    private readonly accessTokens: AccessTokens,
    private readonly events: AuthEventsService,
    private readonly throttle: AuthThrottle,
    private readonly users: UsersService,
    private readonly streams: StreamService,
  ) {}

  /**
   * A new session for a successful login, with its `login_succeeded` audit row: both rows in one
   * statement (atomic like a transaction, one round trip instead of BEGIN, two INSERTs, COMMIT).
   * Returns the first token pair, and whether the login comes from a new client: the account
   * signed in before, but not from this user agent in NEW_CLIENT_AFTER_MS.
   */
  async start(
    user: User,
    client: ClientInfo,
    deviceName: string | undefined,
  ): Promise<TokenResponseDto & { sessionId: string; newClient: boolean }> {
    const now = this.clock.now();
    const refreshToken = generateOpaqueToken();
    const event = this.events.rowOf({ type: 'login_succeeded', userId: user.id, client });
    const rows: Array<{ id: string; new_client: boolean }> = await this.sessions.query(
      START_SESSION_SQL,
      [
        user.id,
        hashToken(refreshToken),
        deviceNameFrom(deviceName, client.userAgent),
        client.userAgent,
        client.ip,
        now,
        event.type,
        event.ipAddress,
        event.userAgent,
        event.requestId,
        JSON.stringify(event.details),
        new Date(now.getTime() - NEW_CLIENT_AFTER_MS),
      ],
    );
    const sessionId = rows[0].id;
    this.events.log({ ...event, sessionId });
    const access = await this.accessTokens.issue(
      { userId: user.id, sessionId, role: user.role },
      this.absoluteEndOf(now),
    );
    return {
      sessionId,
      newClient: rows[0].new_client,
      accessToken: access.token,
      refreshToken,
      expiresIn: access.expiresIn,
      tokenType: 'Bearer',
      user: toUserResponse(user),
    };
  }

  async refresh(presented: string, client: ClientInfo): Promise<TokenResponseDto> {
    const presentedHash = hashToken(presented);
    const session = await this.sessions.findOne({
      where: [{ currentTokenHash: presentedHash }, { previousTokenHash: presentedHash }],
    });
    await this.throttle.consume('refresh', { ip: client.ip, account: session?.userId });
    if (!session) throw INVALID_REFRESH();
    const now = this.clock.now();
    const expiry = sessionExpiry(session, this.config.auth.session, now);
    if (expiry !== 'active') {
      if (expiry !== 'revoked') await this.revoke([session.id], expiry);
      throw INVALID_REFRESH();
    }
    const decision = decideRefresh(session, presentedHash, this.config.auth.session, now);
    switch (decision.kind) {
      case 'rotate':
        return this.rotate(session, presented, presentedHash, client);
      case 'grace_replay':
        return this.replay(session, presented, presentedHash);
      case 'reuse_detected':
        await this.revoke([session.id], 'refresh_reuse');
        await this.events.record({
          type: 'refresh_reuse_detected',
          userId: session.userId,
          sessionId: session.id,
          client,
          details: { rotatedAt: session.rotatedAt?.toISOString() ?? null },
        });
        throw INVALID_REFRESH();
      case 'unknown':
        throw INVALID_REFRESH();
    }
  }

  private async rotate(
    session: Session,
    presented: string,
    presentedHash: string,
    client: ClientInfo,
  ): Promise<TokenResponseDto> {
    const user = await this.users.findById(session.userId);
    if (!user || user.status !== 'active') {
      await this.revoke([session.id], 'account_disabled');
      throw INVALID_REFRESH();
    }
    const now = this.clock.now();
    const refreshToken = generateOpaqueToken();
    // Conditional on the presented hash still being current: of two racing refreshes one wins.
    const result = await this.sessions
      .createQueryBuilder()
      .update(Session)
      .set({
        previousTokenHash: presentedHash,
        currentTokenHash: hashToken(refreshToken),
        rotatedAt: now,
        lastUsedAt: now,
        ipAddress: client.ip,
        userAgent: client.userAgent ?? session.userAgent,
      })
      .where('id = :id AND current_token_hash = :presentedHash AND revoked_at IS NULL', {
        id: session.id,
        presentedHash,
      })
      .execute();
    if (result.affected !== 1) return this.replay(session, presented, presentedHash);
    const access = await this.accessTokens.issue(
      { userId: user.id, sessionId: session.id, role: user.role },
      this.absoluteEnd(session),
    );
    const pair: TokenPair = {
      accessToken: access.token,
      refreshToken,
      expiresIn: access.expiresIn,
    };
    const graceMs = this.config.auth.session.refreshGraceMs;
    if (graceMs > 0) {
      await this.redis
        .set(graceKey(presentedHash), sealPair(presented, pair), 'PX', graceMs)
        .catch(() => undefined); // without it, a duplicate refresh gets a 409 and retries
    }
    return { ...pair, tokenType: 'Bearer', user: toUserResponse(user) };
  }

  /** A concurrent duplicate within the grace window gets the pair the winner issued. */
  private async replay(
    session: Session,
    presented: string,
    presentedHash: string,
  ): Promise<TokenResponseDto> {
    const sealed = await this.redis.get(graceKey(presentedHash)).catch(() => null);
    const pair = sealed ? openPair(presented, sealed) : null;
    if (!pair) {
      throw new ProblemException({
        status: 409,
        slug: 'refresh-in-progress',
        detail: 'This refresh token is being rotated by a concurrent request; retry shortly.',
        headers: { 'Retry-After': '1' },
      });
    }
    const user = await this.users.getById(session.userId);
    return { ...pair, tokenType: 'Bearer', user: toUserResponse(user) };
  }

  async list(
    userId: string,
    currentSessionId: string,
    limit: number,
    rawCursor?: string,
  ): Promise<SessionPageDto> {
    const cursor = decodeCursor(rawCursor);
    const now = this.clock.now();
    const { idleTimeoutMs, absoluteLifetimeMs } = this.config.auth.session;
    const query = this.sessions
      .createQueryBuilder('s')
      .addSelect(cursorTimestampSql('s'), 'cursor_ts')
      .where('s.user_id = :userId AND s.revoked_at IS NULL', { userId })
      .andWhere('s.created_at > :absoluteCutoff AND s.last_used_at > :idleCutoff', {
        absoluteCutoff: new Date(now.getTime() - absoluteLifetimeMs),
        idleCutoff: new Date(now.getTime() - idleTimeoutMs),
      })
      .orderBy('s.created_at', 'DESC')
      .addOrderBy('s.id', 'DESC')
      .limit(limit + 1);
    if (cursor) {
      query.andWhere('(s.created_at, s.id) < (:cursorTs::timestamptz, :cursorId::uuid)', {
        cursorTs: cursor.createdAt,
        cursorId: cursor.id,
      });
    }
    const { entities, raw } = await query.getRawAndEntities<{ cursor_ts: string; s_id: string }>();
    const page = entities.slice(0, limit);
    const last = page.at(-1);
    const lastRaw = last ? raw.find((r) => r.s_id === last.id) : undefined;
    return {
      data: page.map((s) => ({
        id: s.id,
        deviceName: s.deviceName,
        userAgent: s.userAgent,
        ipAddress: s.ipAddress,
        createdAt: s.createdAt.toISOString(),
        lastUsedAt: s.lastUsedAt.toISOString(),
        current: s.id === currentSessionId,
      })),
      nextCursor:
        entities.length > limit && last && lastRaw
          ? encodeCursor({ createdAt: lastRaw.cursor_ts, id: last.id })
          : null,
    };
  }

  /** One of the caller's own live sessions; anyone else's id is a 404 like a missing one. */
  async revokeOwn(userId: string, sessionId: string, client: ClientInfo): Promise<void> {
    const revoked = await this.revokeWhere(
      { id: sessionId, userId, revokedAt: IsNull() },
      'user_revoked',
    );
    if (revoked.length === 0) throw new NotFoundException('No such session.');
    await this.events.record({
      type: 'session_revoked',
      userId,
      sessionId,
      client,
    });
  }

  /** Revokes the user's live sessions (optionally but one) and returns their ids. */
  async revokeAllOf(
    userId: string,
    reason: RevocationReason,
    options: { except?: string; manager?: EntityManager } = {},
  ): Promise<string[]> {
    return this.revokeWhere(
      {
        userId,
        revokedAt: IsNull(),
        ...(options.except ? { id: Not(options.except) } : {}),
      },
      reason,
      options.manager,
    );
  }

  /** Marks sessions revoked and, outside a transaction, updates the cache at once. */
  async revoke(ids: string[], reason: RevocationReason): Promise<void> {
    await this.revokeWhere({ id: In(ids), revokedAt: IsNull() }, reason);
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

  private async revokeWhere(
    where: Record<string, unknown>,
    reason: RevocationReason,
    manager?: EntityManager,
  ): Promise<string[]> {
    const repo = manager ? manager.getRepository(Session) : this.sessions;
    const targets = await repo.find({ where, select: { id: true } });
    if (targets.length === 0) return [];
    const ids = targets.map((s) => s.id);
    const result = await repo
      .createQueryBuilder()
      .update(Session)
      .set({ revokedAt: this.clock.now(), revokedReason: reason })
      .where('id IN (:...ids) AND revoked_at IS NULL', { ids })
      .returning(['id'])
      .execute();
    const revoked = (result.raw as Array<{ id: string }>).map((r) => r.id);
    // Inside a transaction the caller marks the cache after commit (a rollback must not log out).
    if (!manager) await this.markRevoked(revoked);
    return revoked;
  }

  private absoluteEnd(session: Session): Date {
    return this.absoluteEndOf(session.createdAt);
  }

  private absoluteEndOf(createdAt: Date): Date {
    return new Date(createdAt.getTime() + this.config.auth.session.absoluteLifetimeMs);
  }
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
      ("user_id", "current_token_hash", "device_name", "user_agent", "ip_address", "last_used_at", "created_at")
    VALUES ($1, $2, $3, $4, $5, $6, $6)
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

function graceKey(presentedHash: string): string {
  return `auth:refresh-grace:${presentedHash}`;
}
