import {
  Check,
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

export const TOKEN_PURPOSES = ['email_verification', 'password_reset'] as const;
export type TokenPurpose = (typeof TOKEN_PURPOSES)[number];

/** A single-use token sent by mail; only its SHA-256 is stored. */
@Entity({ name: 'auth_tokens' })
@Index('auth_tokens_token_hash_unique', ['tokenHash'], { unique: true })
@Index('auth_tokens_user_unused_idx', { synchronize: false })
@Check('auth_tokens_purpose_check', `"purpose" IN ('email_verification', 'password_reset')`)
export class AuthToken {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_auth_tokens' })
  id: string;

  @Column('uuid')
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_auth_tokens_user' })
  user?: User;

  @Column('varchar', { length: 32 })
  purpose: TokenPurpose;

  @Column('char', { length: 64 })
  tokenHash: string;

  @Column('timestamptz')
  expiresAt: Date;

  @Column('timestamptz', { nullable: true })
  usedAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
