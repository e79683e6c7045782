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

export type PasskeyDeviceType = 'singleDevice' | 'multiDevice';

/** bigint arrives as a string; sign counters are 32-bit, so a number holds them exactly. */
const bigintAsNumber = {
  to: (value: number) => value,
  from: (value: string | number) => Number(value),
};

/** A WebAuthn credential a user signs in with. Holds only the public key. */
@Entity({ name: 'passkeys' })
@Index('passkeys_credential_id_unique', ['credentialId'], { unique: true })
@Index('passkeys_user_created_idx', ['userId', 'createdAt', 'id'])
@Check('passkeys_device_type_check', `"device_type" IN ('singleDevice', 'multiDevice')`)
export class Passkey {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_passkeys' })
  id: string;

  @Column('uuid')
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_passkeys_user' })
  user?: User;

  /** The authenticator's credential id, base64url. */
  @Column('varchar', { length: 1024 })
  credentialId: string;

  /** COSE-encoded public key. */
  @Column('bytea')
  publicKey: Buffer;

  /** The last signature counter seen (0: the authenticator keeps none). */
  @Column('bigint', { default: 0, transformer: bigintAsNumber })
  counter: number;

  @Column('text', { array: true, default: () => "'{}'" })
  transports: string[];

  @Column('varchar', { length: 16 })
  deviceType: PasskeyDeviceType;

  @Column('boolean')
  backedUp: boolean;

  @Column('varchar', { length: 100 })
  name: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;

  @Column('timestamptz', { nullable: true })
  lastUsedAt: Date | null;
}
