import { Injectable } from '@nestjs/common';
import type {
  PublicKeyCredentialCreationOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { Transactions } from '../../database/transactions.js';
import { UsersService } from '../../users/index.js';
import { AuditTrail } from '../audit-trail.js';
import type { ClientInfo } from '../client-info.js';
import {
  passkeyAlreadyRegistered,
  passkeyLimitReached,
  passkeyRegistrationFailed,
} from '../domain/auth.errors.js';
import {
  defaultPasskeyName,
  MAX_PASSKEYS_PER_USER,
  mayAddPasskey,
} from '../domain/passkey-rules.js';
import type { Passkey } from '../entities/passkey.entity.js';
import { PasskeysRepository } from '../repositories/passkeys.repository.js';
import { PasskeyChallenges } from './passkey-challenges.js';
import { RelyingParty } from './relying-party.js';

export interface PasskeyRegistration {
  response: RegistrationResponseJSON;
  name?: string;
}

/** A signed-in user adds a passkey: options with a fresh challenge, then the attestation. */
@Injectable()
export class PasskeyRegistrationService {
  constructor(
    private readonly users: UsersService,
    private readonly passkeys: PasskeysRepository,
    private readonly challenges: PasskeyChallenges,
    private readonly relyingParty: RelyingParty,
    private readonly transactions: Transactions,
    private readonly audit: AuditTrail,
  ) {}

  /** Refuses early when the account is full; the authenticator skips passkeys already held. */
  async options(userId: string): Promise<PublicKeyCredentialCreationOptionsJSON> {
    const user = await this.users.getById(userId);
    const existing = await this.passkeys.credentialsOf(userId);
    if (!mayAddPasskey(existing.length)) throw passkeyLimitReached(MAX_PASSKEYS_PER_USER);
    const options = await this.relyingParty.registrationOptions(user, existing);
    await this.challenges.issue('registration', options.challenge, userId);
    return options;
  }

  /** The challenge is spent whatever the outcome; the limit is checked again under a lock. */
  async register(userId: string, input: PasskeyRegistration, client: ClientInfo): Promise<Passkey> {
    const challenge = this.relyingParty.challengeOf(input.response.response.clientDataJSON);
    if (!challenge || !(await this.challenges.take('registration', challenge, userId))) {
      throw passkeyRegistrationFailed();
    }
    const credential = await this.relyingParty.verifyRegistration(input.response, challenge);
    if (!credential) throw passkeyRegistrationFailed();
    return this.transactions.run(async (manager) => {
      await this.passkeys.lockUser(manager, userId);
      const count = await this.passkeys.countOf(manager, userId);
      if (!mayAddPasskey(count)) throw passkeyLimitReached(MAX_PASSKEYS_PER_USER);
      const passkey = await this.passkeys.insert(manager, {
        ...credential,
        userId,
        name: input.name ?? defaultPasskeyName(credential.deviceType),
      });
      if (!passkey) throw passkeyAlreadyRegistered();
      await this.audit.recordIn(manager, {
        type: 'passkey_registered',
        userId,
        client,
        details: {
          passkeyId: passkey.id,
          deviceType: passkey.deviceType,
          backedUp: passkey.backedUp,
        },
      });
      return passkey;
    });
  }
}
