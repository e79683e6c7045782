import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock } from '../../common/clock.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { Transactions } from '../../database/transactions.js';
import { UsersService, type User } from '../../users/index.js';
import { AuditTrail } from '../audit-trail.js';
import type { ClientInfo } from '../client-info.js';
import {
  accountDisabled,
  identityInUse,
  oidcAccountExists,
  oidcEmailRequired,
} from '../domain/auth.errors.js';
import {
  decideSignIn,
  isPrivateRelayEmail,
  type OidcIdentityClaims,
} from '../domain/oidc-rules.js';
import { UserIdentitiesRepository } from '../repositories/user-identities.repository.js';

/**
 * The account a verified federated identity signs in to: its linked account, the account with
 * the same verified email (linked now), or a new one without a password. Shared by the native
 * id-token exchange and the web flow's callback.
 */
@Injectable()
export class OidcAccounts {
  constructor(
    private readonly transactions: Transactions,
    private readonly clock: Clock,
    private readonly users: UsersService,
    private readonly identities: UserIdentitiesRepository,
    private readonly audit: AuditTrail,
  ) {}

  async resolve(provider: string, claims: OidcIdentityClaims, client: ClientInfo): Promise<User> {
    const linked = await this.identities.findBySubject(provider, claims.subject);
    const byEmail = !linked && claims.email ? await this.users.findByEmail(claims.email) : null;
    const decision = decideSignIn(
      claims,
      linked?.userId ?? null,
      byEmail && { id: byEmail.id, emailVerified: byEmail.emailVerifiedAt !== null },
    );
    if (decision.action === 'refuse') {
      throw decision.reason === 'email-required' ? oidcEmailRequired() : oidcAccountExists();
    }
    const user =
      decision.action === 'create'
        ? await this.create(provider, claims, client)
        : await this.users.getById(decision.userId);
    if (user.status !== 'active') throw accountDisabled();
    if (decision.action === 'link') await this.link(user, provider, claims, client);
    if (linked) await this.identities.markUsed(linked.id, claims.email, this.clock.now());
    await this.audit.record({
      type: 'oidc_login',
      userId: user.id,
      client,
      details: { provider, outcome: decision.action },
    });
    return user;
  }

  private async create(
    provider: string,
    claims: OidcIdentityClaims,
    client: ClientInfo,
  ): Promise<User> {
    const email = claims.email as string;
    const at = this.clock.now();
    return this.transactions.run(async (manager) => {
      const user = await this.users
        .create(
          {
            email,
            displayName: (claims.name ?? email.split('@')[0] ?? email).slice(0, 100),
            passwordHash: null,
            emailVerifiedAt: claims.emailVerified ? at : null,
          },
          manager,
        )
        // A concurrent sign-up took the address first.
        .catch((error: unknown) => {
          throw error instanceof DomainError ? oidcAccountExists() : error;
        });
      await this.insertIdentity(manager, user, provider, claims);
      await this.audit.recordIn(manager, {
        type: 'registered',
        userId: user.id,
        client,
        details: { method: 'oidc', provider, privateRelay: isPrivateRelayEmail(email) },
      });
      return user;
    });
  }

  /** Links an identity to an account (the caller checked it may) with its audit event. */
  link(user: User, provider: string, claims: OidcIdentityClaims, client: ClientInfo) {
    return this.transactions.run(async (manager) => {
      const identity = await this.insertIdentity(manager, user, provider, claims);
      await this.audit.recordIn(manager, {
        type: 'identity_linked',
        userId: user.id,
        client,
        details: { provider, identityId: identity.id },
      });
      return identity;
    });
  }

  private async insertIdentity(
    manager: EntityManager,
    user: User,
    provider: string,
    claims: OidcIdentityClaims,
  ) {
    const identity = await this.identities.insert(manager, {
      userId: user.id,
      provider,
      subject: claims.subject,
      email: claims.email,
      at: this.clock.now(),
    });
    if (!identity) throw identityInUse();
    return identity;
  }
}
