import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/index.js';
import { UsersService } from '../../users/index.js';
import { AuditTrail } from '../audit-trail.js';
import { assertAllowed, AuthThrottle, loginKeys } from '../auth-throttle.js';
import type { ClientInfo } from '../client-info.js';
import { accountDisabled, emailNotVerified, invalidCredentials } from '../domain/auth.errors.js';
import { PasswordHasher } from '../domain/password-hasher.js';
import { SignIn, type SignInOutcome } from '../sign-in.js';

export interface LoginInput {
  email: string;
  password: string;
  deviceName?: string;
}

/** Sign-in with email and password: a new session on this device. */
@Injectable()
export class LoginService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly users: UsersService,
    private readonly hasher: PasswordHasher,
    private readonly throttle: AuthThrottle,
    private readonly audit: AuditTrail,
    private readonly signIn: SignIn,
  ) {}

  /**
   * Unknown email and wrong password give the same 401 after the same argon2 work. Failures
   * slow the account down exponentially (never a lockout); volume is capped per IP and account.
   */
  async login(input: LoginInput, client: ClientInfo): Promise<SignInOutcome> {
    const account = input.email;
    const keys = loginKeys(client.ip, account);
    const allowed = await this.throttle.checkLogin(keys);
    if (!allowed.ok) {
      // The audit row names the account when there is one; the answer stays the same 429.
      const target = await this.users.findByEmail(account);
      await this.audit.record({
        type: 'login_throttled',
        userId: target?.id ?? null,
        client,
        details: { scope: allowed.scope, retryAfterSeconds: allowed.retryAfterSeconds },
      });
      assertAllowed(allowed);
    }
    const user = await this.users.findByEmail(account);
    const valid = user?.passwordHash
      ? await this.hasher.verify(user.passwordHash, input.password)
      : await this.hasher.verifyAgainstDummy(input.password);
    if (!user || !valid) {
      const { consecutiveFailures } = await this.throttle.recordLoginFailure(keys);
      await this.audit.record({
        type: 'login_failed',
        userId: user?.id ?? null,
        client,
        details: { reason: user ? 'wrong_password' : 'unknown_account', consecutiveFailures },
      });
      throw invalidCredentials();
    }
    if (user.status !== 'active') throw accountDisabled();
    if (!this.config.auth.allowUnverifiedLogin && user.emailVerifiedAt === null) {
      throw emailNotVerified();
    }
    if (allowed.failuresOnRecord > 0) await this.throttle.recordLoginSuccess(keys);
    if (this.hasher.needsRehash(user.passwordHash as string)) {
      await this.users.setPasswordHash(user.id, await this.hasher.hash(input.password));
    }
    return this.signIn.begin(user, client, input.deviceName, ['pwd']);
  }
}
