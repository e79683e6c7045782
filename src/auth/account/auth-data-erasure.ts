import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ACCOUNT_DELETED, type AccountDeletedPayload } from '../../common/events/account-events.js';
import { OutboxService } from '../../outbox/outbox.service.js';
import { AuthTokensRepository } from '../repositories/auth-tokens.repository.js';
import { MfaRepository } from '../repositories/mfa.repository.js';
import { PasskeysRepository } from '../repositories/passkeys.repository.js';
import { UserIdentitiesRepository } from '../repositories/user-identities.repository.js';

/**
 * Every way in and every secret auth keeps for a user, erased with the account in the caller's
 * transaction. Users are soft-deleted (scrubbed), so no foreign-key cascade does it. Other
 * modules erase their data when they consume ACCOUNT_DELETED, published in the same transaction.
 */
@Injectable()
export class AuthDataErasure {
  constructor(
    private readonly authTokens: AuthTokensRepository,
    private readonly mfa: MfaRepository,
    private readonly identities: UserIdentitiesRepository,
    private readonly passkeys: PasskeysRepository,
    private readonly outbox: OutboxService,
  ) {}

  async erase(manager: EntityManager, userId: string, at: Date): Promise<void> {
    await this.authTokens.deleteAllOf(manager, userId);
    await this.mfa.deleteAllOf(manager, userId);
    await this.identities.deleteAllOf(manager, userId);
    await this.passkeys.deleteAllOf(manager, userId);
    const payload: AccountDeletedPayload = { userId, deletedAt: at.toISOString() };
    await this.outbox.publish(manager, { type: ACCOUNT_DELETED, payload: { ...payload } });
  }
}
