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

/**
 * An account's authenticator app (one per account). Pending until a first code proves the app
 * has the secret; the secret is sealed (AES-GCM, key from MFA_ENCRYPTION_KEY), never plain.
 */
@Entity({ name: 'totp_factors' })
@Index('totp_factors_user_unique', ['userId'], { unique: true })
export class TotpFactor {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_totp_factors' })
  id: string;

  @Column('uuid')
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_totp_factors_user' })
  user?: User;

  @Column('text')
  secretSealed: string;

  /** Null while enrolment is pending. */
  @Column('timestamptz', { nullable: true })
  activatedAt: Date | null;

  /** The RFC 6238 time step of the last accepted code: that step and earlier ones are refused. */
  @Column('integer', { nullable: true })
  lastTimeStep: number | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
