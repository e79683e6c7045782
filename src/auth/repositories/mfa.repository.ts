import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Not, Repository, type EntityManager } from 'typeorm';
import { RecoveryCode } from '../entities/recovery-code.entity.js';
import { TotpFactor } from '../entities/totp-factor.entity.js';

/** Every query of an account's second factors: totp_factors and mfa_recovery_codes. */
@Injectable()
export class MfaRepository {
  constructor(
    @InjectRepository(TotpFactor) private readonly factors: Repository<TotpFactor>,
    @InjectRepository(RecoveryCode) private readonly codes: Repository<RecoveryCode>,
  ) {}

  findTotp(userId: string): Promise<TotpFactor | null> {
    return this.factors.findOne({ where: { userId } });
  }

  /** Whether the account has MFA on (an activated authenticator). */
  hasActiveFactor(userId: string): Promise<boolean> {
    return this.factors.exists({ where: { userId, activatedAt: Not(IsNull()) } });
  }

  /**
   * Starts (or restarts) enrolment with a new sealed secret. False when the account already has
   * an active factor: the conditional upsert never replaces one.
   */
  async savePending(userId: string, secretSealed: string): Promise<boolean> {
    const rows: unknown[] = await this.factors.query(SAVE_PENDING_SQL, [userId, secretSealed]);
    return rows.length === 1;
  }

  /** Activates a pending factor at the step its first code matched; false if no longer pending. */
  async activate(manager: EntityManager, factorId: string, step: number, at: Date) {
    const result = await manager
      .createQueryBuilder()
      .update(TotpFactor)
      .set({ activatedAt: at, lastTimeStep: step })
      .where('id = :factorId AND activated_at IS NULL', { factorId })
      .execute();
    return result.affected === 1;
  }

  /**
   * Records an accepted code's step, only if it is later than the last one: of two requests
   * presenting the same code at once, one wins (RFC 6238 §5.2, a code is accepted once).
   */
  async acceptStep(factorId: string, step: number): Promise<boolean> {
    const result = await this.factors
      .createQueryBuilder()
      .update(TotpFactor)
      .set({ lastTimeStep: step })
      .where('id = :factorId AND activated_at IS NOT NULL', { factorId })
      .andWhere('(last_time_step IS NULL OR last_time_step < :step)', { step })
      .execute();
    return result.affected === 1;
  }

  /** Replaces every recovery code of the account (the old ones stop working). */
  async replaceRecoveryCodes(manager: EntityManager, userId: string, hashes: string[]) {
    const repo = manager.getRepository(RecoveryCode);
    await repo.delete({ userId });
    await repo.insert(hashes.map((codeHash) => ({ userId, codeHash, usedAt: null })));
  }

  /** Uses an unused code, atomically: of two requests presenting it, one wins. */
  async useRecoveryCode(userId: string, codeHash: string, at: Date): Promise<boolean> {
    const result = await this.codes
      .createQueryBuilder()
      .update(RecoveryCode)
      .set({ usedAt: at })
      .where('user_id = :userId AND code_hash = :codeHash AND used_at IS NULL', {
        userId,
        codeHash,
      })
      .execute();
    return result.affected === 1;
  }

  /** Turns MFA off: the authenticator and the recovery codes go. */
  async deleteAllOf(manager: EntityManager, userId: string): Promise<void> {
    await manager.getRepository(RecoveryCode).delete({ userId });
    await manager.getRepository(TotpFactor).delete({ userId });
  }
}

/** The conflict update runs only while the existing factor is still pending. */
const SAVE_PENDING_SQL = `
  INSERT INTO "totp_factors" ("user_id", "secret_sealed") VALUES ($1, $2)
  ON CONFLICT ("user_id") DO UPDATE
    SET "secret_sealed" = EXCLUDED."secret_sealed", "last_time_step" = NULL, "updated_at" = now()
    WHERE "totp_factors"."activated_at" IS NULL
  RETURNING "id"`;
