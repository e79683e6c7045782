import {
  Check,
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import type { AuthMethod } from '../domain/assurance.js';
import { User } from '../../users/entities/user.entity.js';

export const REVOCATION_REASONS = [
  'logout',
  'logout_all',
  'user_revoked',
  'refresh_reuse',
  'idle_expired',
  'absolute_expired',
  'password_changed',
  'password_reset',
  'account_deleted',
  'account_disabled',
  // The login could not finish (its new-client alert was not stored); no token was handed out.
  'login_aborted',
  'role_changed',
  // An administrator ended it (admin console, DELETE /users/{id}/sessions…).
  'admin_revoked',
] as const;
export type RevocationReason = (typeof REVOCATION_REASONS)[number];

/** One login on one device. Holds only hashes of its refresh tokens. */
@Entity({ name: 'sessions' })
@Index('sessions_current_token_hash_unique', ['currentTokenHash'], { unique: true })
@Index('sessions_previous_token_hash_idx', { synchronize: false })
@Index('sessions_user_active_idx', { synchronize: false })
@Check('sessions_revoked_check', `("revoked_at" IS NULL) = ("revoked_reason" IS NULL)`)
export class Session {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_sessions' })
  id: string;

  @Column('uuid')
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_sessions_user' })
  user?: User;

  /** SHA-256 (hex) of the refresh token that rotates next. */
  @Column('char', { length: 64 })
  currentTokenHash: string;

  /** SHA-256 of the token it replaced: replayed within the grace window, else theft. */
  @Column('char', { length: 64, nullable: true })
  previousTokenHash: string | null;

  @Column('timestamptz', { nullable: true })
  rotatedAt: Date | null;

  /** How the session was authenticated; a step-up adds the second factor. */
  @Column('text', { array: true, default: () => "'{pwd}'" })
  amr: AuthMethod[];

  @Column('varchar', { length: 100 })
  deviceName: string;

  @Column('varchar', { length: 512, nullable: true })
  userAgent: string | null;

  @Column('varchar', { length: 64, nullable: true })
  ipAddress: string | null;

  @Column('timestamptz')
  lastUsedAt: Date;

  @Column('timestamptz', { nullable: true })
  revokedAt: Date | null;

  @Column('varchar', { length: 32, nullable: true })
  revokedReason: RevocationReason | null;

  /** Set from the injected clock (session lifetimes are measured from it), not by the DB. */
  @Column('timestamptz', { default: () => 'now()' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
