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
import type { ProviderRefundStatus, RefundReason } from '../providers/payment-provider.js';
import { amountTransformer } from './amount.transformer.js';
import { Payment } from './payment.entity.js';

@Entity({ name: 'refunds' })
@Check('refunds_amount_check', `"amount" > 0`)
@Check('refunds_status_check', `"status" IN ('pending', 'succeeded', 'failed')`)
@Check('refunds_reason_check', `"reason" IN ('duplicate', 'fraudulent', 'requested_by_customer')`)
@Index('refunds_payment_idx', ['paymentId'])
@Index('refunds_status_attempt_idx', ['status', 'lastAttemptAt'])
@Index('refunds_provider_refund_id_unique', ['providerRefundId'], { unique: true })
export class Refund {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid')
  paymentId: string;

  @ManyToOne(() => Payment)
  @JoinColumn({ name: 'payment_id', foreignKeyConstraintName: 'refunds_payment_id_fkey' })
  payment?: Payment;

  @Column('bigint', { transformer: amountTransformer })
  amount: number;

  @Column('varchar', { length: 16 })
  status: ProviderRefundStatus;

  @Column('varchar', { length: 255, nullable: true })
  providerRefundId: string | null;

  @Column('varchar', { length: 32, nullable: true })
  reason: RefundReason | null;

  /** The admin who asked for it; null for a refund made at the provider (dashboard). */
  @Column('uuid', { nullable: true })
  requestedBy: string | null;

  @Column('varchar', { length: 500, nullable: true })
  failureReason: string | null;

  /** From the app clock: when we last called the provider for it (reconciliation). */
  @Column('timestamptz')
  lastAttemptAt: Date;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
