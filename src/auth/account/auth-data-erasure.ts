import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuthTokensRepository } from '../repositories/auth-tokens.repository.js';
import { MfaRepository } from '../repositories/mfa.repository.js';
import { PasskeysRepository } from '../repositories/passkeys.repository.js';
import { UserIdentitiesRepository } from '../repositories/user-identities.repository.js';

/**
 * Every way in and every secret auth keeps for a user, erased with the account in the caller's
 * transaction. Users are soft-deleted (scrubbed), so no foreign-key cascade does it.
 */
@Injectable()
export class AuthDataErasure {
  constructor(
    private readonly authTokens: AuthTokensRepository,
    private readonly mfa: MfaRepository,
    private readonly identities: UserIdentitiesRepository,
    private readonly passkeys: PasskeysRepository,
  ) {}

  async erase(manager: EntityManager, userId: string): Promise<void> {
    await this.authTokens.deleteAllOf(manager, userId);
    await this.mfa.deleteAllOf(manager, userId);
    await this.identities.deleteAllOf(manager, userId);
    await this.passkeys.deleteAllOf(manager, userId);
  }
}
