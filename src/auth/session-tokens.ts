import { Inject, Injectable } from '@nestjs/common';
import { Redis } from 'ioredis';
import { Clock } from '../common/clock.js';
import { APP_CONFIG, type AppConfig } from '../config/index.js';
import type { User, UserWithAvatar } from '../users/index.js';
import { AccessTokens } from './access-tokens.js';
import { AuditTrail } from './audit-trail.js';
import type { ClientInfo } from './client-info.js';
import type { AuthMethod } from './domain/assurance.js';
import { deviceNameFrom } from './domain/device-name.js';
import { openPair, sealPair, type TokenPair } from './domain/refresh-grace.js';
import { generateOpaqueToken, hashToken } from './domain/tokens.js';
import type { Session } from './entities/session.entity.js';
import { SessionsRepository, type SessionByToken } from './repositories/sessions.repository.js';

/** A user agent unseen on an account for this long is a new client again (new-login alert). */
const NEW_CLIENT_AFTER_MS = 180 * 24 * 3600 * 1000;

/** A session's token pair with the user it signs in (controllers map it to the response). */
export interface SignedIn extends TokenPair {
  /** With its avatar's signed URL: token responses carry the user as every user response does. */
  user: UserWithAvatar<User>;
}

/**
 * A session's tokens: the first pair at login, each rotation at refresh, and the pair a raced
 * rotation already issued. An access token never outlives its session's absolute lifetime.
 */
@Injectable()
export class SessionTokens {
  constructor(
    private readonly sessions: SessionsRepository,
    private readonly accessTokens: AccessTokens,
    private readonly audit: AuditTrail,
    private readonly redis: Redis,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
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
    amr: AuthMethod[],
  ): Promise<TokenPair & { sessionId: string; newClient: boolean }> {
    const now = this.clock.now();
    const refreshToken = generateOpaqueToken();
    const event = this.audit.rowOf({ type: 'login_succeeded', userId: user.id, client });
    const { id: sessionId, newClient } = await this.sessions.startWithLoginEvent(
      {
        userId: user.id,
        currentTokenHash: hashToken(refreshToken),
        deviceName: deviceNameFrom(deviceName, client.userAgent),
        userAgent: client.userAgent,
        ipAddress: client.ip,
        amr,
        at: now,
      },
      event,
      new Date(now.getTime() - NEW_CLIENT_AFTER_MS),
    );
    this.audit.log({ ...event, sessionId });
    const access = await this.accessTokens.issue(
      { userId: user.id, sessionId, role: user.role, amr },
      this.absoluteEndOf(now),
    );
    return {
      sessionId,
      newClient,
      accessToken: access.token,
      refreshToken,
      expiresIn: access.expiresIn,
    };
  }

  /** The session a refresh token (current, just rotated, or any older one) belongs to. */
  sessionOf(presentedHash: string): Promise<SessionByToken | null> {
    return this.sessions.findByTokenHash(presentedHash);
  }

  /**
   * The next pair, if this refresh wins the rotation; null when a concurrent one won. The pair is
   * kept sealed for the grace window so that the loser gets the same one (replay).
   */
  async rotate(
    session: Session,
    user: User,
    presented: string,
    presentedHash: string,
    client: ClientInfo,
  ): Promise<TokenPair | null> {
    const now = this.clock.now();
    const refreshToken = generateOpaqueToken();
    const won = await this.sessions.rotate({
      sessionId: session.id,
      presentedHash,
      nextHash: hashToken(refreshToken),
      at: now,
      ipAddress: client.ip,
      userAgent: client.userAgent ?? session.userAgent,
    });
    if (!won) return null;
    const access = await this.accessTokens.issue(
      { userId: user.id, sessionId: session.id, role: user.role, amr: session.amr },
      this.absoluteEndOf(session.createdAt),
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
    return pair;
  }

  /** The pair the winner of a concurrent rotation issued, within the grace window; else null. */
  async replay(presented: string, presentedHash: string): Promise<TokenPair | null> {
    const sealed = await this.redis.get(graceKey(presentedHash)).catch(() => null);
    return sealed ? openPair(presented, sealed) : null;
  }

  private absoluteEndOf(createdAt: Date): Date {
    return new Date(createdAt.getTime() + this.config.auth.session.absoluteLifetimeMs);
  }
}

function graceKey(presentedHash: string): string {
  return `auth:refresh-grace:${presentedHash}`;
}
