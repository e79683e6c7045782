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

/** An account at an OpenID provider (provider + subject) that signs in to one of our users. */
@Entity({ name: 'user_identities' })
@Index('user_identities_provider_subject_unique', ['provider', 'subject'], { unique: true })
@Index('user_identities_user_created_idx', ['userId', 'createdAt', 'id'])
export class UserIdentity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_user_identities' })
  id: string;

  @Column('uuid')
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_user_identities_user' })
  user?: User;

  /** The configured provider name (`google`, `apple`, `keycloak`…). */
  @Column('varchar', { length: 32 })
  provider: string;

  /** The provider's `sub`: stable, unique per issuer. */
  @Column('varchar', { length: 255 })
  subject: string;

  /** The email the provider last reported (a private relay address for some Apple users). */
  @Column('varchar', { length: 254, nullable: true })
  email: string | null;

  @Column('timestamptz', { nullable: true })
  lastUsedAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
