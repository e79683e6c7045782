import { Injectable } from '@nestjs/common';
import type { AuthPrincipal } from '../../common/auth/auth-principal.js';
import type { Page, PageRequest } from '../../common/pagination/keyset.js';
import { Transactions } from '../../database/transactions.js';
import { UsersService } from '../../users/index.js';
import { AuditTrail } from '../audit-trail.js';
import { AuthThrottle } from '../auth-throttle.js';
import type { ClientInfo } from '../client-info.js';
import { identityInUse, identityNotFound, lastSignInMethod } from '../domain/auth.errors.js';
import { canUnlink } from '../domain/oidc-rules.js';
import { PasskeysRepository } from '../repositories/passkeys.repository.js';
import type { UserIdentity } from '../entities/user-identity.entity.js';
import { UserIdentitiesRepository } from '../repositories/user-identities.repository.js';
import { IdTokens } from './id-tokens.js';
import { OidcAccounts } from './oidc-accounts.js';
import { OidcIssuers } from './oidc-issuers.js';

/** The signed-in user's linked sign-in methods: list, link with an id token, unlink. */
@Injectable()
export class IdentitiesService {
  constructor(
    private readonly transactions: Transactions,
    private readonly users: UsersService,
    private readonly identities: UserIdentitiesRepository,
    private readonly passkeys: PasskeysRepository,
    private readonly issuers: OidcIssuers,
    private readonly idTokens: IdTokens,
    private readonly accounts: OidcAccounts,
    private readonly audit: AuditTrail,
    private readonly throttle: AuthThrottle,
  ) {}

  list(principal: AuthPrincipal, page: PageRequest): Promise<Page<UserIdentity>> {
    return this.identities.pageForUser(principal.userId, page);
  }

  /** Links the token's subject; linking one already linked here is a no-op. */
  async link(
    principal: AuthPrincipal,
    providerName: string,
    input: { idToken: string; nonce?: string },
    client: ClientInfo,
  ): Promise<UserIdentity> {
    const provider = this.issuers.provider(providerName);
    await this.throttle.consume('login', { ip: client.ip });
    const claims = await this.idTokens.verifyOnce(provider, input.idToken, input.nonce);
    const existing = await this.identities.findBySubject(provider.name, claims.subject);
    if (existing && existing.userId === principal.userId) return existing;
    if (existing) throw identityInUse();
    const user = await this.users.getById(principal.userId);
    return this.accounts.link(user, provider.name, claims, client);
  }

  /** Refused (409) when it would leave the account without a way to sign in. */
  async unlink(principal: AuthPrincipal, identityId: string, client: ClientInfo): Promise<void> {
    await this.transactions.run(async (manager) => {
      const mine = await this.identities.lockForUser(manager, principal.userId);
      const target = mine.find((identity) => identity.id === identityId);
      if (!target) throw identityNotFound();
      const user = await this.users.getById(principal.userId, manager);
      const ways = {
        hasPassword: user.passwordHash !== null,
        passkeys: await this.passkeys.countOf(manager, principal.userId),
        identities: mine.length,
      };
      if (!canUnlink(ways)) throw lastSignInMethod();
      await this.identities.delete(manager, target.id);
      await this.audit.recordIn(manager, {
        type: 'identity_unlinked',
        userId: principal.userId,
        sessionId: principal.sessionId,
        client,
        details: { provider: target.provider, identityId: target.id },
      });
    });
  }
}
