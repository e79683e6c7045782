import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Clock } from '../common/clock.js';
import type { AuthPrincipal } from '../common/auth/auth-principal.js';
import { ProblemException } from '../http/problem.exception.js';
import { toUserResponse, type UserResponseDto } from '../users/index.js';
import type { UserRole, UserStatus } from '../users/index.js';
import { UsersService } from '../users/index.js';
import { AuthEventsService } from './auth-events.service.js';
import { AuthService } from './auth.service.js';
import type { ClientInfo } from './client-info.js';
import { AuthToken } from './entities/auth-token.entity.js';
import { SessionsService } from './sessions.service.js';

/**
 * Changes that decide who may sign in (deletion, role, status): each revokes the user's sessions
 * in the same transaction and takes effect on their access tokens at once.
 */
@Injectable()
export class AccountService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
    private readonly events: AuthEventsService,
    private readonly auth: AuthService,
  ) {}

  async deleteOwn(principal: AuthPrincipal, password: string, client: ClientInfo): Promise<void> {
    const user = await this.users.getById(principal.userId);
    await this.auth.assertCurrentPassword(user, password, client, 'password');
    await this.deleteUser(user.id, { client });
  }

  async adminDelete(actor: AuthPrincipal, userId: string, client: ClientInfo): Promise<void> {
    if (actor.userId === userId)
      throw selfChange(
        'You cannot delete your own account through the admin route. Use DELETE /api/v1/users/me, which asks for your password.',
      );
    await this.users.getById(userId);
    await this.deleteUser(userId, { client, actorId: actor.userId });
  }

  async adminUpdate(
    actor: AuthPrincipal,
    userId: string,
    patch: { role?: UserRole; status?: UserStatus },
    client: ClientInfo,
  ): Promise<UserResponseDto> {
    if (actor.userId === userId && (patch.role === 'user' || patch.status === 'disabled')) {
      throw selfChange(
        'You cannot remove your own admin role or disable your own account, so that no admin locks themselves out. Ask another admin to make this change.',
      );
    }
    const { after, revoked } = await this.db.transaction(async (manager) => {
      const { before, after } = await this.users.setRoleAndStatus(userId, patch, manager);
      let ids: string[] = [];
      if (before.role !== after.role) {
        ids = await this.endSessions(manager, userId, 'role_changed');
        await this.events.record(
          {
            type: 'role_changed',
            userId,
            actorId: actor.userId,
            client,
            details: { from: before.role, to: after.role, revokedSessions: ids.length },
          },
          manager,
        );
      }
      if (before.status !== after.status) {
        if (after.status === 'disabled') {
          ids = ids.concat(await this.endSessions(manager, userId, 'account_disabled'));
        }
        await this.events.record(
          {
            type: 'status_changed',
            userId,
            actorId: actor.userId,
            client,
            details: { from: before.status, to: after.status },
          },
          manager,
        );
      }
      return { after, revoked: ids };
    });
    await this.sessions.markRevoked(revoked);
    return toUserResponse(after);
  }

  private async deleteUser(
    userId: string,
    context: { client: ClientInfo; actorId?: string },
  ): Promise<void> {
    const revoked = await this.db.transaction(async (manager) => {
      const ids = await this.endSessions(manager, userId, 'account_deleted');
      await manager.getRepository(AuthToken).delete({ userId });
      await this.users.deleteAndScrub(userId, this.clock.now(), manager);
      await this.events.record(
        {
          type: 'account_deleted',
          userId,
          actorId: context.actorId ?? null,
          client: context.client,
          details: { revokedSessions: ids.length },
        },
        manager,
      );
      return ids;
    });
    await this.sessions.markRevoked(revoked);
  }

  private endSessions(
    manager: EntityManager,
    userId: string,
    reason: 'role_changed' | 'account_disabled' | 'account_deleted',
  ): Promise<string[]> {
    return this.sessions.revokeAllOf(userId, reason, { manager });
  }
}

function selfChange(detail: string): ProblemException {
  return new ProblemException({ status: 409, slug: 'cannot-change-self', detail });
}
