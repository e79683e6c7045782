import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  UpdateDateColumn,
} from 'typeorm';
import { bigintAsNumber, SyncHead } from './sync-head.entity.js';

/** The latest state of a user's document; a tombstone (deleted, value null) after a delete. */
@Entity({ name: 'sync_documents' })
@Index('sync_documents_user_seq_idx', ['userId', 'seq'], { unique: true })
@Index('sync_documents_tombstones_idx', ['deletedAt'], { where: '"deleted_at" IS NOT NULL' })
@Check('sync_documents_tombstone_check', `("deleted_at" IS NULL) = ("value" IS NOT NULL)`)
export class SyncDocument {
  @PrimaryColumn('uuid', { primaryKeyConstraintName: 'PK_sync_documents' })
  userId: string;

  @PrimaryColumn('varchar', { length: 64, primaryKeyConstraintName: 'PK_sync_documents' })
  collection: string;

  @PrimaryColumn('varchar', { length: 128, primaryKeyConstraintName: 'PK_sync_documents' })
  key: string;

  @ManyToOne(() => SyncHead, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_sync_documents_head' })
  head?: SyncHead;

  /** Per document, from 1, +1 on every put or delete. */
  @Column('integer')
  rev: number;

  /** The change (per-user sequence number) that wrote this state. */
  @Column('bigint', { transformer: bigintAsNumber })
  seq: number;

  @Column('jsonb', { nullable: true })
  value: unknown;

  /** Bytes of the value's JSON text (0 for a tombstone), counted against the user's limit. */
  @Column('integer', { default: 0 })
  size: number;

  @Column('timestamptz', { nullable: true })
  deletedAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
