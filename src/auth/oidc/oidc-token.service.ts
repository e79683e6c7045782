import { Injectable } from '@nestjs/common';
import { AuthThrottle } from '../auth-throttle.js';
import type { ClientInfo } from '../client-info.js';
import { SignIn, type SignInOutcome } from '../sign-in.js';
import { IdTokens } from './id-tokens.js';
import { OidcAccounts } from './oidc-accounts.js';
import { OidcIssuers } from './oidc-issuers.js';

export interface IdTokenExchange {
  idToken: string;
  /** The raw nonce; the token carries its SHA-256. */
  nonce?: string;
  /** Apple hands the app the user's name once, outside the token. */
  name?: string;
  deviceName?: string;
}

/** Native apps: an id token from the provider's SDK in exchange for our session. */
@Injectable()
export class OidcTokenService {
  constructor(
    private readonly issuers: OidcIssuers,
    private readonly idTokens: IdTokens,
    private readonly accounts: OidcAccounts,
    private readonly throttle: AuthThrottle,
    private readonly signIn: SignIn,
  ) {}

  async exchange(
    providerName: string,
    input: IdTokenExchange,
    client: ClientInfo,
  ): Promise<SignInOutcome> {
    const provider = this.issuers.provider(providerName);
    // The same per-IP budget as password sign-in.
    await this.throttle.consume('login', { ip: client.ip });
    const claims = await this.idTokens.verifyOnce(provider, input.idToken, input.nonce);
    const user = await this.accounts.resolve(
      provider.name,
      { ...claims, name: claims.name ?? input.name?.trim() ?? null },
      client,
    );
    // The lead routes this through the MFA gate at merge (like password sign-in).
    return this.signIn.begin(user, client, input.deviceName, ['oidc']);
  }
}
