import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock.js';
import { Transactions } from '../../database/transactions.js';
import { UsersService } from '../../users/index.js';
import { AccountNotices } from '../account-notices.js';
import { AuditTrail } from '../audit-trail.js';
import { AuthThrottle } from '../auth-throttle.js';
import type { ClientInfo } from '../client-info.js';
import { invalidToken } from '../domain/auth.errors.js';
import { OneTimeTokens } from '../one-time-tokens.js';

/** Confirming the email address with the mailed link, and sending the link again. */
@Injectable()
export class EmailVerificationService {
  constructor(
    private readonly transactions: Transactions,
    private readonly clock: Clock,
    private readonly users: UsersService,
    private readonly tokens: OneTimeTokens,
    private readonly notices: AccountNotices,
    private readonly audit: AuditTrail,
    private readonly throttle: AuthThrottle,
  ) {}

  async verifyEmail(token: string, client: ClientInfo): Promise<void> {
    await this.transactions.run(async (manager) => {
      const row = await this.tokens.consume(manager, token, 'email_verification');
      if (!row) throw invalidToken();
      const user = await this.users.findById(row.userId, manager);
      if (!user) throw invalidToken();
      await this.users.markEmailVerified(user.id, this.clock.now(), manager);
      await this.tokens.voidAll(manager, user.id, 'email_verification');
      await this.audit.recordIn(manager, { type: 'email_verified', userId: user.id, client });
    });
  }

  /** Same answer whether or not the address has an account (or is already verified). */
  async resendVerification(email: string, client: ClientInfo): Promise<void> {
    await this.throttle.consume('resend', { ip: client.ip, account: email });
    await this.transactions.run(async (manager) => {
      const user = await this.users.findByEmail(email, manager);
      if (!user || user.emailVerifiedAt !== null || user.status !== 'active') return;
      await this.tokens.voidAll(manager, user.id, 'email_verification');
      const { id, token } = await this.tokens.issue(manager, user.id, 'email_verification');
      await this.notices.verification(manager, user, id, token);
    });
  }
}
