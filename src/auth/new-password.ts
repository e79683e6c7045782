import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { UsersService, type User } from '../users/index.js';
import { AccountNotices } from './account-notices.js';
import { AuditTrail } from './audit-trail.js';
import type { ClientInfo } from './client-info.js';
import { PasswordHasher } from './domain/password-hasher.js';
import { assertPasswordAllowed } from './domain/password-policy.js';
import { OneTimeTokens } from './one-time-tokens.js';
import { SessionRevocation } from './session-revocation.js';

/** How a password came to change, for the sessions it ends, the notice and the audit row. */
export interface PasswordChangeContext {
  how: 'password_reset' | 'password_changed';
  at: Date;
  client: ClientInfo;
  /** Makes the owner's notice idempotent. */
  noticeKey: string;
  /** The session that changed it, which stays signed in. */
  keepSessionId?: string;
}

/**
 * A new password, set by a reset link or by its owner: checked against the policy and hashed
 * (outside any transaction: argon2 must not hold a row lock), then stored with what must commit
 * with it.
 */
@Injectable()
export class NewPassword {
  constructor(
    private readonly hasher: PasswordHasher,
    private readonly users: UsersService,
    private readonly tokens: OneTimeTokens,
    private readonly revocation: SessionRevocation,
    private readonly notices: AccountNotices,
    private readonly audit: AuditTrail,
  ) {}

  /** Throws `weak-password` on `field` when the policy refuses it. */
  hash(field: string, password: string, user: User): Promise<string> {
    assertPasswordAllowed(field, password, user);
    return this.hasher.hash(password);
  }

  /**
   * Stores the hash, voids pending reset links, ends the other sessions, tells the owner and
   * audits, all in the caller's transaction. Returns the revoked session ids for markRevoked.
   */
  async store(
    manager: EntityManager,
    user: User,
    passwordHash: string,
    change: PasswordChangeContext,
  ): Promise<string[]> {
    await this.users.setPasswordHash(user.id, passwordHash, manager);
    await this.tokens.voidAll(manager, user.id, 'password_reset');
    const ids = await this.revocation.revokeIn(
      manager,
      { userId: user.id, exceptSessionId: change.keepSessionId },
      change.how,
    );
    await this.notices.passwordChanged(manager, user, change.at, change.noticeKey);
    await this.audit.recordIn(manager, {
      type: change.how,
      userId: user.id,
      ...(change.keepSessionId ? { sessionId: change.keepSessionId } : {}),
      client: change.client,
      details: { revokedSessions: ids.length },
    });
    return ids;
  }
}
