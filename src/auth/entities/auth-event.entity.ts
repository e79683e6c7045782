import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { User } from '../../users/entities/user.entity.js';

export const AUTH_EVENT_TYPES = [
  'registered',
  'register_existing',
  'login_succeeded',
  'login_failed',
  'login_throttled',
  'refresh_reuse_detected',
  'session_revoked',
  'logout',
  'logout_all',
  'email_verified',
  'password_reset_requested',
  'password_reset',
  'password_changed',
  'account_deleted',
  'role_changed',
  'status_changed',
  'admin_created',
  // passkeys
  'passkey_registered',
  'passkey_removed',
  'passkey_login',
  'passkey_clone_suspected',
  // two-factor authentication
  'mfa_enrolment_started',
  'mfa_enabled',
  'mfa_disabled',
  'recovery_codes_regenerated',
  'mfa_challenge_started',
  'mfa_failed',
  'mfa_step_up',
  'oidc_login',
  'identity_linked',
  'identity_unlinked',
] as const;
export type AuthEventType = (typeof AUTH_EVENT_TYPES)[number];

/** Security audit trail; never holds a password, token or hash. */
@Entity({ name: 'auth_events' })
@Index('auth_events_user_created_idx', ['userId', 'createdAt', 'id'])
export class AuthEvent {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_auth_events' })
  id: string;

  @Column('uuid', { nullable: true })
  userId: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_auth_events_user' })
  user?: User;

  @Column('uuid', { nullable: true })
  sessionId: string | null;

  /** Who did it, when not the user themself (an admin). */
  @Column('uuid', { nullable: true })
  actorId: string | null;

  @Column('varchar', { length: 40 })
  type: AuthEventType;

  @Column('varchar', { length: 64, nullable: true })
  ipAddress: string | null;

  @Column('varchar', { length: 512, nullable: true })
  userAgent: string | null;

  @Column('varchar', { length: 128, nullable: true })
  requestId: string | null;

  @Column('jsonb', { default: () => "'{}'" })
  details: Record<string, unknown>;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
