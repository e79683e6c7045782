import { Injectable } from '@nestjs/common';
import { Transactions } from '../../database/transactions.js';
import { UsersService } from '../../users/index.js';
import { AccountNotices } from '../account-notices.js';
import { AuditTrail } from '../audit-trail.js';
import { AuthThrottle } from '../auth-throttle.js';
import type { ClientInfo } from '../client-info.js';
import { OneTimeTokens } from '../one-time-tokens.js';

/** Mailing a password reset link. */
@Injectable()
export class ForgotPasswordService {
  constructor(
    private readonly transactions: Transactions,
    private readonly users: UsersService,
    private readonly tokens: OneTimeTokens,
    private readonly notices: AccountNotices,
    private readonly audit: AuditTrail,
    private readonly throttle: AuthThrottle,
  ) {}

  /** Same 202 for known and unknown addresses; mail only to known, active ones. */
  async forgotPassword(email: string, client: ClientInfo): Promise<void> {
    await this.throttle.consume('forgot', { ip: client.ip, account: email });
    await this.transactions.run(async (manager) => {
      const user = await this.users.findByEmail(email, manager);
      if (!user || user.status !== 'active') return;
      const { id, token } = await this.tokens.issue(manager, user.id, 'password_reset');
      await this.notices.passwordReset(manager, user, id, token);
      await this.audit.recordIn(manager, {
        type: 'password_reset_requested',
        userId: user.id,
        client,
      });
    });
  }
}
