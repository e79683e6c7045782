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
import type { PaymentStatus } from '../domain/payment-status.js';
import { Payment } from './payment.entity.js';

export type TransitionSource = 'api' | 'webhook' | 'reconciliation';

const STATUSES = `'requires_payment_method', 'requires_confirmation', 'requires_action', 'processing', 'succeeded', 'failed', 'canceled', 'partially_refunded', 'refunded'`;

/** Append-only history of every status change (a trigger refuses UPDATE and DELETE). */
@Entity({ name: 'payment_events' })
@Check('payment_events_source_check', `"source" IN ('api', 'webhook', 'reconciliation')`)
@Check('payment_events_to_status_check', `"to_status" IN (${STATUSES})`)
@Index('payment_events_payment_idx', ['paymentId', 'createdAt'])
export class PaymentEvent {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid')
  paymentId: string;

  @ManyToOne(() => Payment)
  @JoinColumn({ name: 'payment_id', foreignKeyConstraintName: 'payment_events_payment_id_fkey' })
  payment?: Payment;

  /** Null for the creation of the payment. */
  @Column('varchar', { length: 32, nullable: true })
  fromStatus: PaymentStatus | null;

  @Column('varchar', { length: 32 })
  toStatus: PaymentStatus;

  @Column('varchar', { length: 16 })
  source: TransitionSource;

  @Column('varchar', { length: 255, nullable: true })
  providerEventId: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
