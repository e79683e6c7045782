import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
} from 'typeorm';
import { SyncHead } from './sync-head.entity.js';

/** An applied mutation's result by its client-chosen id: a retried batch replays it. */
@Entity({ name: 'sync_mutations' })
@Index('sync_mutations_created_idx', ['createdAt'])
export class SyncMutation {
  @PrimaryColumn('uuid', { primaryKeyConstraintName: 'PK_sync_mutations' })
  userId: string;

  @PrimaryColumn('varchar', { length: 128, primaryKeyConstraintName: 'PK_sync_mutations' })
  mutationId: string;

  @ManyToOne(() => SyncHead, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_sync_mutations_head' })
  head?: SyncHead;

  @Column('varchar', { length: 128 })
  clientId: string;

  @Column('jsonb')
  result: unknown;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
