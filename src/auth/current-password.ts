import { Injectable } from '@nestjs/common';
import type { User } from '../users/index.js';
import { AuditTrail } from './audit-trail.js';
import { assertAllowed, AuthThrottle, loginKeys } from './auth-throttle.js';
import type { ClientInfo } from './client-info.js';
import { wrongPassword } from './domain/auth.errors.js';
import { PasswordHasher } from './domain/password-hasher.js';

/**
 * The password of a signed-in user, asked again before a change that needs it (new password,
 * account deletion): throttled and slowed down like a login, a failure audited like one.
 */
@Injectable()
export class CurrentPassword {
  constructor(
    private readonly hasher: PasswordHasher,
    private readonly throttle: AuthThrottle,
    private readonly audit: AuditTrail,
  ) {}

  /** Throws `wrong-password` on `field` unless the password is the user's. */
  async assert(user: User, password: string, client: ClientInfo, field: string): Promise<void> {
    const keys = loginKeys(client.ip, user.email);
    const allowed = await this.throttle.checkLogin(keys);
    assertAllowed(allowed);
    if (user.passwordHash && (await this.hasher.verify(user.passwordHash, password))) {
      if (allowed.failuresOnRecord > 0) await this.throttle.recordLoginSuccess(keys);
      return;
    }
    await this.throttle.recordLoginFailure(keys);
    await this.audit.record({
      type: 'login_failed',
      userId: user.id,
      client,
      details: { reason: 'wrong_current_password' },
    });
    throw wrongPassword(field);
  }
}
