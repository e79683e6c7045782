import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { Transactions } from '../database/transactions.js';
import type { User } from '../users/index.js';
import { AccountNotices } from './account-notices.js';
import type { ClientInfo } from './client-info.js';
import { SessionRevocation } from './session-revocation.js';

/**
 * The "new sign-in" notice, after the session's own statement so that the common login stays
 * one statement. If it cannot be stored, the session is revoked and the login fails: its tokens
 * were never handed out, so no session goes unannounced.
 */
@Injectable()
export class NewLoginAlert {
  constructor(
    private readonly transactions: Transactions,
    private readonly notices: AccountNotices,
    private readonly revocation: SessionRevocation,
    private readonly clock: Clock,
  ) {}

  async send(user: User, sessionId: string, client: ClientInfo): Promise<void> {
    try {
      await this.transactions.run((manager) =>
        this.notices.newLogin(manager, user, sessionId, client, this.clock.now()),
      );
    } catch (error) {
      await this.revocation.revoke({ sessionIds: [sessionId] }, 'login_aborted');
      throw error;
    }
  }
}
