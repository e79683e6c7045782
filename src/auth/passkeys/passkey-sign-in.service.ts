import { Inject, Injectable } from '@nestjs/common';
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialRequestOptionsJSON,
} from '@simplewebauthn/server';
import { Clock } from '../../common/clock.js';
import { APP_CONFIG, type AppConfig } from '../../config/index.js';
import { UsersService, type User } from '../../users/index.js';
import { AuditTrail } from '../audit-trail.js';
import { AuthThrottle } from '../auth-throttle.js';
import type { ClientInfo } from '../client-info.js';
import {
  accountDisabled,
  emailNotVerified,
  passkeyAuthenticationFailed,
} from '../domain/auth.errors.js';
import { signCounterVerdict } from '../domain/passkey-rules.js';
import type { Passkey } from '../entities/passkey.entity.js';
import { PasskeysRepository } from '../repositories/passkeys.repository.js';
import type { SignedIn } from '../session-tokens.js';
import { SignIn } from '../sign-in.js';
import { PasskeyChallenges } from './passkey-challenges.js';
import { RelyingParty } from './relying-party.js';

export interface PasskeyAssertion {
  response: AuthenticationResponseJSON;
  deviceName?: string;
}

/**
 * Sign-in with a passkey, usernameless: the options name no user, the response names its
 * passkey. A passkey with user verification is two factors in one (amr `passkey`, aal2).
 */
@Injectable()
export class PasskeySignInService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly users: UsersService,
    private readonly passkeys: PasskeysRepository,
    private readonly challenges: PasskeyChallenges,
    private readonly relyingParty: RelyingParty,
    private readonly throttle: AuthThrottle,
    private readonly audit: AuditTrail,
    private readonly signIn: SignIn,
    private readonly clock: Clock,
  ) {}

  async options(client: ClientInfo): Promise<PublicKeyCredentialRequestOptionsJSON> {
    await this.throttle.consume('login', { ip: client.ip });
    const options = await this.relyingParty.authenticationOptions();
    await this.challenges.issue('authentication', options.challenge, null);
    return options;
  }

  /**
   * Unknown passkey, bad signature, wrong origin or RP id, expired or reused challenge: the same
   * 401 and nothing written, so a response tells nobody which accounts or passkeys exist.
   */
  async authenticate(input: PasskeyAssertion, client: ClientInfo): Promise<SignedIn> {
    await this.throttle.consume('login', { ip: client.ip });
    const passkey = await this.verified(input.response, client);
    const user = await this.users.findById(passkey.userId);
    if (!user) throw passkeyAuthenticationFailed();
    this.assertMaySignIn(user);
    if (!(await this.passkeys.recordUse(passkey, this.clock.now()))) {
      // Another sign-in moved the counter on between our read and now: one of them is a copy.
      throw passkeyAuthenticationFailed();
    }
    const signedIn = await this.signIn.complete(user, client, input.deviceName, ['passkey']);
    await this.audit.record({
      type: 'passkey_login',
      userId: user.id,
      client,
      details: { passkeyId: passkey.id },
    });
    return signedIn;
  }

  /** The passkey the response proves possession of, with the counter it just presented. */
  private async verified(
    response: AuthenticationResponseJSON,
    client: ClientInfo,
  ): Promise<Passkey & { previousCounter: number }> {
    const challenge = this.relyingParty.challengeOf(response.response.clientDataJSON);
    if (!challenge || !(await this.challenges.take('authentication', challenge, null))) {
      throw passkeyAuthenticationFailed();
    }
    const passkey = await this.passkeys.findByCredentialId(response.id);
    if (
      !passkey ||
      !this.relyingParty.userHandleMatches(response.response.userHandle, passkey.userId)
    ) {
      throw passkeyAuthenticationFailed();
    }
    const assertion = await this.relyingParty.verifyAuthentication(response, challenge, passkey);
    if (!assertion) throw passkeyAuthenticationFailed();
    if (signCounterVerdict(passkey.counter, assertion.counter) === 'regressed') {
      await this.suspectClone(passkey, assertion.counter, client);
      throw passkeyAuthenticationFailed();
    }
    return { ...passkey, previousCounter: passkey.counter, counter: assertion.counter };
  }

  private suspectClone(passkey: Passkey, received: number, client: ClientInfo): Promise<void> {
    return this.audit.record({
      type: 'passkey_clone_suspected',
      userId: passkey.userId,
      client,
      details: { passkeyId: passkey.id, storedCounter: passkey.counter, receivedCounter: received },
    });
  }

  /** The same refusals as a password sign-in. */
  private assertMaySignIn(user: User): void {
    if (user.status !== 'active') throw accountDisabled();
    if (!this.config.auth.allowUnverifiedLogin && user.emailVerifiedAt === null) {
      throw emailNotVerified();
    }
  }
}
