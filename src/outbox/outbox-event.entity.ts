import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';

@Entity({ name: 'outbox_events' })
@Index('outbox_events_unsent_idx', ['createdAt'], { where: 'sent_at IS NULL' })
@Index('outbox_events_sent_idx', ['sentAt'], { where: 'sent_at IS NOT NULL' })
export class OutboxEvent {
  @PrimaryColumn('uuid')
  id: string;

  @Column('varchar', { length: 100 })
  type: string;

  @Column('jsonb')
  payload: Record<string, unknown>;

  /** When the relay handed it to Bull; null while it waits. */
  @Column('timestamptz', { nullable: true })
  sentAt: Date | null;

  @Column('int', { default: 0 })
  attempts: number;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
