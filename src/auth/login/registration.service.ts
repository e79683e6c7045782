import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Transactions } from '../../database/transactions.js';
import { UsersService, type User } from '../../users/index.js';
import { AccountNotices } from '../account-notices.js';
import { AuditTrail } from '../audit-trail.js';
import { AuthThrottle } from '../auth-throttle.js';
import type { ClientInfo } from '../client-info.js';
import { PasswordHasher } from '../domain/password-hasher.js';
import { assertPasswordAllowed } from '../domain/password-policy.js';
import { OneTimeTokens } from '../one-time-tokens.js';

export interface RegistrationInput {
  email: string;
  password: string;
  displayName: string;
  locale?: string;
  timeZone?: string;
}

/** Creating an account: the verification mail to a new address, a notice to a taken one. */
@Injectable()
export class RegistrationService {
  constructor(
    private readonly transactions: Transactions,
    private readonly users: UsersService,
    private readonly hasher: PasswordHasher,
    private readonly tokens: OneTimeTokens,
    private readonly notices: AccountNotices,
    private readonly audit: AuditTrail,
    private readonly throttle: AuthThrottle,
  ) {}

  /**
   * The same answer whether or not the address is taken (no account enumeration): a new address
   * gets the verification mail, a taken one an "you already have an account" mail. Both paths
   * hash the password first, so they take the same time.
   */
  async register(input: RegistrationInput, client: ClientInfo): Promise<void> {
    // A refused password costs nothing (no hash, no mail): it does not use up the limit.
    assertPasswordAllowed('password', input.password, {
      email: input.email,
      displayName: input.displayName,
    });
    await this.throttle.consume('register', { ip: client.ip, account: input.email });
    const passwordHash = await this.hasher.hash(input.password);
    try {
      await this.createAccount(input, passwordHash, client);
    } catch (error) {
      // A live account holds the address (the unique index refused it, even to a racing twin):
      // its owner is told. Any other failure is the caller's.
      const owner = await this.users.findByEmail(input.email).catch(() => null);
      if (!owner) throw error;
      await this.tellOwner(owner, client);
    }
  }

  private async tellOwner(owner: User, client: ClientInfo): Promise<void> {
    await this.transactions.run(async (manager) => {
      await this.notices.accountExists(manager, owner, randomUUID());
      await this.audit.recordIn(manager, { type: 'register_existing', userId: owner.id, client });
    });
  }

  private async createAccount(
    input: RegistrationInput,
    passwordHash: string,
    client: ClientInfo,
  ): Promise<void> {
    await this.transactions.run(async (manager) => {
      const created = await this.users.create(
        {
          email: input.email,
          displayName: input.displayName,
          passwordHash,
          locale: input.locale ? Intl.getCanonicalLocales(input.locale)[0] : undefined,
          timeZone: input.timeZone,
        },
        manager,
      );
      const { id, token } = await this.tokens.issue(manager, created.id, 'email_verification');
      await this.notices.verification(manager, created, id, token);
      await this.audit.recordIn(manager, { type: 'registered', userId: created.id, client });
    });
  }
}
