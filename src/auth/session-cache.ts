import { Inject, Injectable, Logger } from '@nestjs/common';
import { Redis } from 'ioredis';
import { Clock } from '../common/clock.js';
import { APP_CONFIG, type AppConfig } from '../config/index.js';
import { redisReady } from '../redis/redis.module.js';
import { sessionExpiry } from './domain/session-rules.js';
import { SessionsRepository } from './repositories/sessions.repository.js';

const ACTIVE = 'a';
const REVOKED = 'r';
/** How long "active" is believed without asking the database again. */
const ACTIVE_TTL_MS = 60_000;

/**
 * The per-request session check: ONE Redis GET on the hot path. `r` = revoked (written on every
 * revocation, kept as long as an access token of the session can still be valid), `a` = active
 * (written on a miss with NX, so it can never overwrite a concurrent revocation), missing =
 * ask PostgreSQL. Redis down: PostgreSQL answers alone.
 */
@Injectable()
export class SessionCache {
  private readonly logger = new Logger(SessionCache.name);
  private readonly revokedTtlMs: number;

  constructor(
    private readonly redis: Redis,
    private readonly sessions: SessionsRepository,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    // Beyond this, every access token of the session has expired anyway.
    this.revokedTtlMs = (config.auth.accessTokenTtlSeconds + 60) * 1000;
  }

  async isActive(sessionId: string, userId: string): Promise<boolean> {
    // Only an optimisation: without Redis, PostgreSQL answers (no wait on a Redis that is away,
    // and no log line per request: the outage shows in readiness and in OutageLog).
    const usable = redisReady(this.redis);
    let cached: string | null = null;
    if (usable) cached = await this.redis.get(key(sessionId)).catch(() => null);
    if (cached === REVOKED) return false;
    if (cached === ACTIVE) return true;
    const session = await this.sessions.findForCheck(sessionId);
    // Idle expiry is enforced at refresh; an access token already stops at the absolute end.
    const active =
      session !== null &&
      session.userId === userId &&
      sessionExpiry(
        { ...session, lastUsedAt: this.clock.now() },
        this.config.auth.session,
        this.clock.now(),
      ) === 'active';
    if (usable) {
      await this.write(sessionId, active).catch((err: unknown) =>
        this.logger.debug({ err }, 'session cache not updated'),
      );
    }
    return active;
  }

  /** After the revocation committed. Failure is logged: the cache entry expires within a minute. */
  async markRevoked(sessionIds: readonly string[]): Promise<void> {
    if (sessionIds.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const id of sessionIds) pipeline.set(key(id), REVOKED, 'PX', this.revokedTtlMs);
    try {
      const replies = await pipeline.exec();
      const failed = replies?.find(([error]) => error);
      if (failed) throw failed[0];
    } catch (err) {
      this.logger.error(
        { err, sessions: sessionIds.length },
        'revocation not cached; sessions stay usable until their cache entry expires',
      );
    }
  }

  private async write(sessionId: string, active: boolean): Promise<void> {
    if (active) await this.redis.set(key(sessionId), ACTIVE, 'PX', ACTIVE_TTL_MS, 'NX');
    else await this.redis.set(key(sessionId), REVOKED, 'PX', this.revokedTtlMs);
  }
}

function key(sessionId: string): string {
  return `auth:session:${sessionId}`;
}
