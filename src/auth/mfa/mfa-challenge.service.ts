import { Injectable } from '@nestjs/common';
import { DomainError } from '../../common/errors/domain-error.js';
import { UsersService } from '../../users/index.js';
import type { ClientInfo } from '../client-info.js';
import { invalidMfaCode, invalidMfaToken } from '../domain/auth.errors.js';
import { withSecondFactor } from '../domain/second-factor.js';
import { PendingSignIns } from '../pending-sign-ins.js';
import { SecondFactor } from '../second-factor.js';
import type { SignedIn } from '../session-tokens.js';
import { SignIn } from '../sign-in.js';

const WRONG_CODE = invalidMfaCode().code;

/** Completes a sign-in that waits for its second factor (POST /auth/mfa/challenge). */
@Injectable()
export class MfaChallengeService {
  constructor(
    private readonly users: UsersService,
    private readonly pending: PendingSignIns,
    private readonly secondFactor: SecondFactor,
    private readonly signIn: SignIn,
  ) {}

  /** The pending sign-in's session, with the second factor in its amr. */
  async challenge(mfaToken: string, code: string, client: ClientInfo): Promise<SignedIn> {
    const pending = await this.pending.find(mfaToken);
    if (!pending) throw invalidMfaToken();
    const user = await this.users.findById(pending.userId);
    if (!user || user.status !== 'active') throw invalidMfaToken();
    const method = await this.secondFactor.verify(user.id, code, client).catch(async (error) => {
      if (error instanceof DomainError && error.code === WRONG_CODE) {
        await this.pending.recordFailure(mfaToken);
      }
      throw error;
    });
    // Of two requests completing the same sign-in, one gets the session.
    if (!(await this.pending.consume(mfaToken))) throw invalidMfaToken();
    const amr = withSecondFactor(pending.amr, method);
    return this.signIn.complete(user, client, pending.deviceName ?? undefined, amr);
  }
}
