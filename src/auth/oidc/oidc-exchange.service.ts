import { Injectable } from '@nestjs/common';
import { UsersService } from '../../users/index.js';
import { AuthThrottle } from '../auth-throttle.js';
import type { ClientInfo } from '../client-info.js';
import { accountDisabled, invalidOidcCode } from '../domain/auth.errors.js';
import { SignIn, type SignInOutcome } from '../sign-in.js';
import { SignInCodes } from './sign-in-codes.js';

/** The web flow's last step: the one-time code from the redirect, traded once for a session. */
@Injectable()
export class OidcExchangeService {
  constructor(
    private readonly codes: SignInCodes,
    private readonly users: UsersService,
    private readonly throttle: AuthThrottle,
    private readonly signIn: SignIn,
  ) {}

  async exchange(
    code: string,
    deviceName: string | undefined,
    client: ClientInfo,
  ): Promise<SignInOutcome> {
    await this.throttle.consume('login', { ip: client.ip });
    const userId = await this.codes.take(code);
    const user = userId ? await this.users.findById(userId) : null;
    if (!user) throw invalidOidcCode();
    if (user.status !== 'active') throw accountDisabled();
    // The lead routes this through the MFA gate at merge (like password sign-in).
    return this.signIn.begin(user, client, deviceName, ['oidc']);
  }
}
