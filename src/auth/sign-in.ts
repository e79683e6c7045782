import { Injectable } from '@nestjs/common';
import { AvatarUrls, type User } from '../users/index.js';
import { AuditTrail } from './audit-trail.js';
import type { ClientInfo } from './client-info.js';
import { assuranceOf, type AuthMethod } from './domain/assurance.js';
import { NewLoginAlert } from './new-login-alert.js';
import { PendingSignIns } from './pending-sign-ins.js';
import { MfaRepository } from './repositories/mfa.repository.js';
import { SessionTokens, type SignedIn } from './session-tokens.js';

/** The second factors a pending sign-in can be completed with. */
export const MFA_METHODS = ['otp', 'recovery'] as const;
export type MfaMethod = (typeof MFA_METHODS)[number];

/** What a first factor leads to: a session, or a second factor still to give. */
export type SignInOutcome =
  | ({ kind: 'signed-in' } & SignedIn)
  | { kind: 'mfa-required'; mfaToken: string; expiresIn: number; methods: MfaMethod[] };

/**
 * The last step of every way in (password, social sign-in, passkey, second factor): a session
 * recording how the user proved who they are, and the new-sign-in alert for a new client.
 */
@Injectable()
export class SignIn {
  constructor(
    private readonly tokens: SessionTokens,
    private readonly newLoginAlert: NewLoginAlert,
    private readonly mfa: MfaRepository,
    private readonly pending: PendingSignIns,
    private readonly audit: AuditTrail,
    private readonly avatars: AvatarUrls,
  ) {}

  /**
   * The gate every first factor passes: an account with MFA on gets no session from a first
   * factor alone (`pwd`, `oidc`), but an mfa token for POST /auth/mfa/challenge. A way in that
   * is already aal2 (a passkey) completes at once.
   */
  async begin(
    user: User,
    client: ClientInfo,
    deviceName: string | undefined,
    amr: AuthMethod[],
  ): Promise<SignInOutcome> {
    if (assuranceOf(amr) === 'aal1' && (await this.mfa.hasActiveFactor(user.id))) {
      const { mfaToken, expiresIn } = await this.pending.create({
        userId: user.id,
        amr,
        deviceName: deviceName ?? null,
      });
      await this.audit.record({
        type: 'mfa_challenge_started',
        userId: user.id,
        client,
        details: { amr },
      });
      return { kind: 'mfa-required', mfaToken, expiresIn, methods: [...MFA_METHODS] };
    }
    return { kind: 'signed-in', ...(await this.complete(user, client, deviceName, amr)) };
  }

  /**
   * Starts the session. First factors go through `begin`; only ways in that are already complete
   * (the MFA challenge, a passkey) call this directly.
   */
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
    return { ...pair, user: await this.avatars.with(user) };
  }
}
