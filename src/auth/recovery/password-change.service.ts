import { Injectable } from '@nestjs/common';
import type { AuthPrincipal } from '../../common/auth/auth-principal.js';
import { Clock } from '../../common/clock.js';
import { Transactions } from '../../database/transactions.js';
import { UsersService } from '../../users/index.js';
import type { ClientInfo } from '../client-info.js';
import { CurrentPassword } from '../current-password.js';
import { NewPassword } from '../new-password.js';
import { SessionRevocation } from '../session-revocation.js';

/** A signed-in user changing their password. */
@Injectable()
export class PasswordChangeService {
  constructor(
    private readonly transactions: Transactions,
    private readonly clock: Clock,
    private readonly users: UsersService,
    private readonly currentPassword: CurrentPassword,
    private readonly newPassword: NewPassword,
    private readonly revocation: SessionRevocation,
  ) {}

  /** Needs the current password; ends every other session; mails a notice. */
  async changePassword(
    principal: AuthPrincipal,
    currentPassword: string,
    password: string,
    client: ClientInfo,
  ): Promise<void> {
    const user = await this.users.getById(principal.userId);
    await this.currentPassword.assert(user, currentPassword, client, 'currentPassword');
    const passwordHash = await this.newPassword.hash('newPassword', password, user);
    const now = this.clock.now();
    const revoked = await this.transactions.run((manager) =>
      this.newPassword.store(manager, user, passwordHash, {
        how: 'password_changed',
        at: now,
        client,
        noticeKey: `${principal.sessionId}:${now.getTime()}`,
        keepSessionId: principal.sessionId,
      }),
    );
    await this.revocation.markRevoked(revoked);
  }
}
