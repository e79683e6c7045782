import {
  Check,
  Column,
  CreateDateColumn,
  DeleteDateColumn,
  Entity,
  Index,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

export const USER_ROLES = ['user', 'admin'] as const;
export type UserRole = (typeof USER_ROLES)[number];
export const USER_STATUSES = ['active', 'disabled'] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

@Entity({ name: 'users' })
// Unique case-insensitively among live accounts, so a deleted email can register again. An
// expression index TypeORM cannot model: `synchronize: false` keeps the schema diff off it.
@Index('users_email_unique', { synchronize: false })
@Index('users_email_prefix_idx', { synchronize: false })
@Check('users_role_check', `"role" IN ('user', 'admin')`)
@Check('users_status_check', `"status" IN ('active', 'disabled')`)
export class User {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Stored as given; compared lower-cased. */
  @Column('varchar', { length: 254 })
  email: string;

  @Column('varchar', { length: 100 })
  displayName: string;

  @Column('varchar', { length: 16, default: 'user' })
  role: UserRole;

  @Column('varchar', { length: 16, default: 'active' })
  status: UserStatus;

  @Column('timestamptz', { nullable: true })
  emailVerifiedAt: Date | null;

  /** argon2id; null once the account is deleted and scrubbed. */
  @Column('varchar', { length: 255, nullable: true })
  passwordHash: string | null;

  /** BCP 47 tag, e.g. `en`, `de-AT`. */
  @Column('varchar', { length: 35, default: 'en' })
  locale: string;

  /** IANA time zone, e.g. `Europe/Berlin`. */
  @Column('varchar', { length: 64, default: 'UTC' })
  timeZone: string;

  /** The avatar (a ready file of purpose `avatar`), kept right by the files module. */
  @Column('uuid', { nullable: true })
  avatarFileId: string | null;

  /** The object key of the avatar image shown, signed into a URL for each response. */
  @Column('varchar', { length: 512, nullable: true })
  avatarKey: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;

  @DeleteDateColumn({ type: 'timestamptz' })
  deletedAt: Date | null;
}
