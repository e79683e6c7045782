import { Injectable } from '@nestjs/common';
import type { User } from '../users/index.js';
import type { ClientInfo } from './client-info.js';
import type { AuthMethod } from './domain/assurance.js';
import { NewLoginAlert } from './new-login-alert.js';
import { SessionTokens, type SignedIn } from './session-tokens.js';

/**
 * The last step of every way in (password, social sign-in, passkey, second factor): a session
 * recording how the user proved who they are, and the new-sign-in alert for a new client.
 */
@Injectable()
export class SignIn {
  constructor(
    private readonly tokens: SessionTokens,
    private readonly newLoginAlert: NewLoginAlert,
  ) {}

  async complete(
    user: User,
    client: ClientInfo,
    deviceName: string | undefined,
    amr: AuthMethod[],
  ): Promise<SignedIn> {
    const { sessionId, newClient, ...pair } = await this.tokens.start(
      user,
      client,
      deviceName,
      amr,
    );
    if (newClient) await this.newLoginAlert.send(user, sessionId, client);
    return { ...pair, user };
  }
}
