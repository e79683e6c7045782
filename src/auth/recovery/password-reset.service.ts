import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock.js';
import { Transactions } from '../../database/transactions.js';
import { UsersService } from '../../users/index.js';
import { AuthThrottle, loginKeys } from '../auth-throttle.js';
import type { ClientInfo } from '../client-info.js';
import { invalidToken } from '../domain/auth.errors.js';
import { NewPassword } from '../new-password.js';
import { OneTimeTokens } from '../one-time-tokens.js';
import { SessionRevocation } from '../session-revocation.js';

/** Setting a new password with the mailed reset link. */
@Injectable()
export class PasswordResetService {
  constructor(
    private readonly transactions: Transactions,
    private readonly clock: Clock,
    private readonly users: UsersService,
    private readonly tokens: OneTimeTokens,
    private readonly newPassword: NewPassword,
    private readonly revocation: SessionRevocation,
    private readonly throttle: AuthThrottle,
  ) {}

  /** Sets the password, voids other reset links, ends every session, mails a notice. */
  async resetPassword(token: string, password: string, client: ClientInfo): Promise<void> {
    // Hash outside the transaction: argon2 must not hold a row lock for its whole duration.
    const userId = await this.tokens.peekUserId(token, 'password_reset');
    if (!userId) throw invalidToken();
    const user = await this.users.findById(userId);
    if (!user || user.status !== 'active') throw invalidToken();
    const passwordHash = await this.newPassword.hash('newPassword', password, user);
    const now = this.clock.now();
    const revoked = await this.transactions.run(async (manager) => {
      const row = await this.tokens.consume(manager, token, 'password_reset');
      if (!row || row.userId !== user.id) throw invalidToken();
      // Receiving the mail proves the mailbox.
      await this.users.markEmailVerified(user.id, now, manager);
      return this.newPassword.store(manager, user, passwordHash, {
        how: 'password_reset',
        at: now,
        client,
        noticeKey: row.id,
      });
    });
    await this.revocation.markRevoked(revoked);
    await this.throttle.recordLoginSuccess(loginKeys(client.ip, user.email));
  }
}
