import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AuthPrincipal } from '../../common/auth/auth-principal.js';
import { Clock } from '../../common/clock.js';
import { Transactions } from '../../database/transactions.js';
import {
  UsersService,
  userNotFound,
  type User,
  type UserRole,
  type UserStatus,
} from '../../users/index.js';
import { AuditTrail } from '../audit-trail.js';
import type { ClientInfo } from '../client-info.js';
import { CurrentPassword } from '../current-password.js';
import { cannotChangeSelf } from '../domain/auth.errors.js';
import { SessionRevocation } from '../session-revocation.js';
import { AuthDataErasure } from './auth-data-erasure.js';

/**
 * Changes that decide who may sign in (deletion, role, status): each revokes the user's sessions
 * in the same transaction and takes effect on their access tokens at once.
 */
@Injectable()
export class AccountService {
  constructor(
    private readonly transactions: Transactions,
    private readonly clock: Clock,
    private readonly users: UsersService,
    private readonly currentPassword: CurrentPassword,
    private readonly revocation: SessionRevocation,
    private readonly erasure: AuthDataErasure,
    private readonly audit: AuditTrail,
  ) {}

  async deleteOwn(principal: AuthPrincipal, password: string, client: ClientInfo): Promise<void> {
    const user = await this.users.getById(principal.userId);
    await this.currentPassword.assert(user, password, client, 'password');
    await this.deleteUser(user.id, { client });
  }

  async adminDelete(actor: AuthPrincipal, userId: string, client: ClientInfo): Promise<void> {
    if (actor.userId === userId)
      throw cannotChangeSelf(
        'You cannot delete your own account through the admin route. Use DELETE /api/v1/users/me, which asks for your password.',
      );
    if (!(await this.users.findById(userId))) throw userNotFound();
    await this.deleteUser(userId, { client, actorId: actor.userId });
  }

  /** The user after the change. */
  async adminUpdate(
    actor: AuthPrincipal,
    userId: string,
    patch: { role?: UserRole; status?: UserStatus },
    client: ClientInfo,
  ): Promise<User> {
    if (actor.userId === userId && (patch.role === 'user' || patch.status === 'disabled')) {
      throw cannotChangeSelf(
        'You cannot remove your own admin role or disable your own account, so that no admin locks themselves out. Ask another admin to make this change.',
      );
    }
    const { after, revoked } = await this.transactions.run(async (manager) => {
      if (!(await this.users.findById(userId, manager))) throw userNotFound();
      const { before, after } = await this.users.setRoleAndStatus(userId, patch, manager);
      let ids: string[] = [];
      if (before.role !== after.role) {
        ids = await this.endSessions(manager, userId, 'role_changed');
        await this.audit.recordIn(manager, {
          type: 'role_changed',
          userId,
          actorId: actor.userId,
          client,
          details: { from: before.role, to: after.role, revokedSessions: ids.length },
        });
      }
      if (before.status !== after.status) {
        if (after.status === 'disabled') {
          ids = ids.concat(await this.endSessions(manager, userId, 'account_disabled'));
        }
        await this.audit.recordIn(manager, {
          type: 'status_changed',
          userId,
          actorId: actor.userId,
          client,
          details: { from: before.status, to: after.status },
        });
      }
      return { after, revoked: ids };
    });
    await this.revocation.markRevoked(revoked);
    return after;
  }

  private async deleteUser(
    userId: string,
    context: { client: ClientInfo; actorId?: string },
  ): Promise<void> {
    const revoked = await this.transactions.run(async (manager) => {
      const ids = await this.endSessions(manager, userId, 'account_deleted');
      const at = this.clock.now();
      await this.erasure.erase(manager, userId, at);
      await this.users.deleteAndScrub(userId, at, manager);
      await this.audit.recordIn(manager, {
        type: 'account_deleted',
        userId,
        actorId: context.actorId ?? null,
        client: context.client,
        details: { revokedSessions: ids.length },
      });
      return ids;
    });
    await this.revocation.markRevoked(revoked);
  }

  private endSessions(
    manager: EntityManager,
    userId: string,
    reason: 'role_changed' | 'account_disabled' | 'account_deleted',
  ): Promise<string[]> {
    return this.revocation.revokeIn(manager, { userId }, reason);
  }
}
