import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock } from '../../common/clock.js';
import type { User } from '../../users/index.js';
import { AccountNotices, type MfaChange } from '../account-notices.js';
import { AuditTrail } from '../audit-trail.js';
import type { ClientInfo } from '../client-info.js';
import { newRecoveryCodes, normalizeRecoveryCode } from '../domain/recovery-codes.js';
import type { AuthEventType } from '../entities/auth-event.entity.js';
import { MfaKeys } from '../mfa-keys.js';
import { MfaRepository } from '../repositories/mfa.repository.js';

const EVENT_OF: Record<MfaChange, AuthEventType> = {
  enabled: 'mfa_enabled',
  disabled: 'mfa_disabled',
  recovery_codes_regenerated: 'recovery_codes_regenerated',
};

/** What every MFA change shares: fresh recovery codes, the audit row and the owner's notice. */
@Injectable()
export class MfaChanges {
  constructor(
    private readonly audit: AuditTrail,
    private readonly notices: AccountNotices,
    private readonly mfa: MfaRepository,
    private readonly keys: MfaKeys,
    private readonly clock: Clock,
  ) {}

  now(): Date {
    return this.clock.now();
  }

  /** An enrolment started (or restarted): an audit row, no notice (nothing changed yet). */
  async enrolmentStarted(userId: string, client: ClientInfo): Promise<void> {
    await this.audit.record({ type: 'mfa_enrolment_started', userId, client });
  }

  /** Ten new codes in place of the old ones; returned once, stored as keyed hashes. */
  async newRecoveryCodes(manager: EntityManager, user: User): Promise<string[]> {
    const codes = newRecoveryCodes();
    const hashes = codes.map((code) =>
      // A freshly made code is always canonical once its hyphen is dropped.
      this.keys.recoveryCodeHash(normalizeRecoveryCode(code) as string),
    );
    await this.mfa.replaceRecoveryCodes(manager, user.id, hashes);
    return codes;
  }

  /** In the change's transaction: committed changes get their row and notice, rolled back none. */
  async record(
    manager: EntityManager,
    user: User,
    change: MfaChange,
    client: ClientInfo,
  ): Promise<void> {
    await this.audit.recordIn(manager, { type: EVENT_OF[change], userId: user.id, client });
    await this.notices.mfaChanged(manager, user, change, this.now(), randomUUID());
  }
}
