import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock.js';
import { APP_CONFIG, type AppConfig } from '../../config/index.js';
import { AvatarUrls, UsersService } from '../../users/index.js';
import { AuditTrail } from '../audit-trail.js';
import { AuthThrottle } from '../auth-throttle.js';
import type { ClientInfo } from '../client-info.js';
import { invalidRefreshToken, refreshInProgress } from '../domain/auth.errors.js';
import { decideRefresh, sessionExpiry } from '../domain/session-rules.js';
import { hashToken } from '../domain/tokens.js';
import type { Session } from '../entities/session.entity.js';
import { SessionRevocation } from '../session-revocation.js';
import { SessionTokens, type SignedIn } from '../session-tokens.js';

/** POST /auth/refresh: rotation with reuse detection and a grace window for raced duplicates. */
@Injectable()
export class RefreshService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly users: UsersService,
    private readonly tokens: SessionTokens,
    private readonly revocation: SessionRevocation,
    private readonly throttle: AuthThrottle,
    private readonly audit: AuditTrail,
    private readonly avatars: AvatarUrls,
  ) {}

  async refresh(presented: string, client: ClientInfo): Promise<SignedIn> {
    const presentedHash = hashToken(presented);
    const found = await this.tokens.sessionOf(presentedHash);
    await this.throttle.consume('refresh', { ip: client.ip, account: found?.session.userId });
    if (!found) throw invalidRefreshToken();
    const { session, retired } = found;
    const now = this.clock.now();
    const expiry = sessionExpiry(session, this.config.auth.session, now);
    if (expiry !== 'active') {
      if (expiry !== 'revoked') await this.revocation.revoke({ sessionIds: [session.id] }, expiry);
      throw invalidRefreshToken();
    }
    const decision = decideRefresh(
      { ...session, retiredTokenHash: retired?.tokenHash ?? null },
      presentedHash,
      this.config.auth.session,
      now,
    );
    switch (decision.kind) {
      case 'rotate':
        return this.rotate(session, presented, presentedHash, client);
      case 'grace_replay':
        return this.replay(session, presented, presentedHash);
      case 'reuse_detected':
        await this.revocation.revoke({ sessionIds: [session.id] }, 'refresh_reuse');
        await this.audit.record({
          type: 'refresh_reuse_detected',
          userId: session.userId,
          sessionId: session.id,
          client,
          details: {
            rotatedAt: session.rotatedAt?.toISOString() ?? null,
            ...(retired ? { retiredAt: retired.retiredAt.toISOString() } : {}),
          },
        });
        throw invalidRefreshToken();
      case 'unknown':
        throw invalidRefreshToken();
    }
  }

  private async rotate(
    session: Session,
    presented: string,
    presentedHash: string,
    client: ClientInfo,
  ): Promise<SignedIn> {
    const user = await this.users.findById(session.userId);
    if (!user || user.status !== 'active') {
      await this.revocation.revoke({ sessionIds: [session.id] }, 'account_disabled');
      throw invalidRefreshToken();
    }
    const pair = await this.tokens.rotate(session, user, presented, presentedHash, client);
    if (!pair) return this.replay(session, presented, presentedHash);
    return { ...pair, user: await this.avatars.with(user) };
  }

  /** A concurrent duplicate within the grace window gets the pair the winner issued. */
  private async replay(
    session: Session,
    presented: string,
    presentedHash: string,
  ): Promise<SignedIn> {
    const pair = await this.tokens.replay(presented, presentedHash);
    if (!pair) throw refreshInProgress();
    const user = await this.users.getById(session.userId);
    return { ...pair, user: await this.avatars.with(user) };
  }
}
