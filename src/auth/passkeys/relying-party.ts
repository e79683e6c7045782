import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { decodeClientDataJSON } from '@simplewebauthn/server/helpers';
import { APP_CONFIG, type AppConfig } from '../../config/index.js';
import { PASSKEY_CHALLENGE_TTL_MS } from '../domain/passkey-rules.js';
import type { PasskeyDeviceType } from '../entities/passkey.entity.js';

export interface RegisteringUser {
  id: string;
  email: string;
  displayName: string;
}

export interface VerifiedCredential {
  credentialId: string;
  publicKey: Uint8Array;
  counter: number;
  transports: string[];
  deviceType: PasskeyDeviceType;
  backedUp: boolean;
}

export interface StoredCredential {
  credentialId: string;
  publicKey: Uint8Array;
  transports: string[];
}

export interface VerifiedAssertion {
  counter: number;
  deviceType: PasskeyDeviceType;
  backedUp: boolean;
}

const CHALLENGE_FORMAT = /^[A-Za-z0-9_-]{16,128}$/;

/**
 * This site as a WebAuthn relying party (its id and origins from config), over
 * @simplewebauthn/server. A response the library refuses (signature, origin, RP id, challenge,
 * malformed data) is `null` here: callers answer every such case alike.
 */
@Injectable()
export class RelyingParty {
  private readonly logger = new Logger(RelyingParty.name);

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  /**
   * Options for creating a resident (discoverable) passkey with user verification, so the
   * passkey alone signs in and counts as two factors.
   */
  registrationOptions(
    user: RegisteringUser,
    exclude: Array<Omit<StoredCredential, 'publicKey'>>,
  ): Promise<PublicKeyCredentialCreationOptionsJSON> {
    return generateRegistrationOptions({
      rpName: this.config.passkeys.rpName,
      rpID: this.config.passkeys.rpId,
      userName: user.email,
      userDisplayName: user.displayName,
      userID: userHandleOf(user.id),
      timeout: PASSKEY_CHALLENGE_TTL_MS,
      attestationType: 'none',
      excludeCredentials: exclude.map((c) => ({ id: c.credentialId, transports: c.transports })),
      authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
    });
  }

  /** Usernameless: no allowCredentials, the authenticator offers the passkeys it holds. */
  authenticationOptions(): Promise<PublicKeyCredentialRequestOptionsJSON> {
    return generateAuthenticationOptions({
      rpID: this.config.passkeys.rpId,
      timeout: PASSKEY_CHALLENGE_TTL_MS,
      userVerification: 'required',
    });
  }

  /**
   * Whether an assertion's user handle (present for discoverable credentials) names the
   * passkey's owner: WebAuthn §7.2 step 6, which the library leaves to us.
   */
  userHandleMatches(userHandle: string | undefined, userId: string): boolean {
    return (
      userHandle === undefined ||
      userHandle === Buffer.from(userHandleOf(userId)).toString('base64url')
    );
  }

  /** The challenge a response answers, or null when it carries no plausible one. */
  challengeOf(clientDataJSON: string): string | null {
    try {
      const { challenge } = decodeClientDataJSON(clientDataJSON);
      return typeof challenge === 'string' && CHALLENGE_FORMAT.test(challenge) ? challenge : null;
    } catch {
      return null;
    }
  }

  async verifyRegistration(
    response: RegistrationResponseJSON,
    challenge: string,
  ): Promise<VerifiedCredential | null> {
    try {
      const result = await verifyRegistrationResponse({
        response,
        expectedChallenge: challenge,
        expectedOrigin: this.config.passkeys.origins,
        expectedRPID: this.config.passkeys.rpId,
        requireUserVerification: true,
      });
      if (!result.verified) return null;
      const { credential, credentialDeviceType, credentialBackedUp } = result.registrationInfo;
      return {
        credentialId: credential.id,
        publicKey: credential.publicKey,
        counter: credential.counter,
        transports: credential.transports ?? response.response.transports ?? [],
        deviceType: credentialDeviceType,
        backedUp: credentialBackedUp,
      };
    } catch (error) {
      this.logger.debug({ err: error }, 'passkey registration response refused');
      return null;
    }
  }

  /**
   * Checks the assertion's signature against the stored key. The sign counter is judged by the
   * caller (domain/passkey-rules.ts) after the signature holds, so a regression is recorded as a
   * suspected clone rather than lost among malformed responses: the library gets counter 0,
   * which makes it skip its own counter check.
   */
  async verifyAuthentication(
    response: AuthenticationResponseJSON,
    challenge: string,
    credential: StoredCredential,
  ): Promise<VerifiedAssertion | null> {
    try {
      const result = await verifyAuthenticationResponse({
        response,
        expectedChallenge: challenge,
        expectedOrigin: this.config.passkeys.origins,
        expectedRPID: this.config.passkeys.rpId,
        credential: {
          id: credential.credentialId,
          // The library wants a Uint8Array over a plain ArrayBuffer (a Buffer may share a pool).
          publicKey: new Uint8Array(credential.publicKey),
          counter: 0,
          transports: credential.transports,
        },
        requireUserVerification: true,
      });
      if (!result.verified) return null;
      const info = result.authenticationInfo;
      return {
        counter: info.newCounter,
        deviceType: info.credentialDeviceType,
        backedUp: info.credentialBackedUp,
      };
    } catch (error) {
      this.logger.debug({ err: error }, 'passkey authentication response refused');
      return null;
    }
  }
}

/** The WebAuthn user handle of a user: their id's bytes (no personal data). */
function userHandleOf(userId: string): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(userId);
}
