import {
  Column,
  CreateDateColumn,
  Entity,
  JoinColumn,
  OneToOne,
  PrimaryColumn,
  UpdateDateColumn,
} from 'typeorm';
import { User } from '../../users/entities/user.entity.js';

/** bigint arrives as a string; sequence numbers and byte totals stay far below 2^53. */
export const bigintAsNumber = {
  to: (value: number) => value,
  from: (value: string | number) => Number(value),
};

/**
 * One per user who has synced: the last change sequence number handed out, the highest one of a
 * purged tombstone, and the live totals the limits check. Writers lock this row.
 */
@Entity({ name: 'sync_heads' })
export class SyncHead {
  @PrimaryColumn('uuid', { primaryKeyConstraintName: 'PK_sync_heads' })
  userId: string;

  @OneToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_sync_heads_user' })
  user?: User;

  @Column('bigint', { default: 0, transformer: bigintAsNumber })
  seq: number;

  @Column('bigint', { default: 0, transformer: bigintAsNumber })
  purgedSeq: number;

  @Column('integer', { default: 0 })
  documents: number;

  @Column('bigint', { default: 0, transformer: bigintAsNumber })
  bytes: number;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
