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
import type { PaymentStatus } from '../domain/payment-status.js';
import type { NextAction, ProviderName } from '../providers/payment-provider.js';
import { amountTransformer } from './amount.transformer.js';

export type PaymentOperation = 'confirm' | 'cancel';

const STATUSES = `'requires_payment_method', 'requires_confirmation', 'requires_action', 'processing', 'succeeded', 'failed', 'canceled', 'partially_refunded', 'refunded'`;

@Entity({ name: 'payments' })
@Check('payments_amount_check', `"amount" > 0`)
@Check('payments_amount_refunded_check', `"amount_refunded" >= 0 AND "amount_refunded" <= "amount"`)
@Check('payments_currency_check', `"currency" ~ '^[a-z]{3}$'`)
@Check('payments_status_check', `"status" IN (${STATUSES})`)
@Check('payments_provider_check', `"provider" IN ('stripe', 'sandbox')`)
@Check('payments_metadata_check', `jsonb_typeof("metadata") = 'object'`)
@Check('payments_operation_check', `"operation" IN ('confirm', 'cancel')`)
@Check(
  'payments_operation_lease_check',
  `("operation" IS NULL) = ("operation_token" IS NULL) AND ("operation" IS NULL) = ("operation_expires_at" IS NULL)`,
)
@Index('payments_user_created_idx', ['userId', 'createdAt', 'id'])
@Index('payments_created_idx', ['createdAt', 'id'])
@Index('payments_status_changed_idx', ['status', 'statusChangedAt'])
@Index('payments_provider_payment_id_unique', ['provider', 'providerPaymentId'], { unique: true })
export class Payment {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid')
  userId: string;

  /** Schema only (the foreign key); this module never loads users. */
  @ManyToOne(() => User)
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'payments_user_id_fkey' })
  user?: User;

  /** Minor units. */
  @Column('bigint', { transformer: amountTransformer })
  amount: number;

  /** Lowercase ISO 4217. */
  @Column('varchar', { length: 3 })
  currency: string;

  @Column('varchar', { length: 500, nullable: true })
  description: string | null;

  @Column('jsonb')
  metadata: Record<string, string>;

  @Column('varchar', { length: 16 })
  provider: ProviderName;

  @Column('varchar', { length: 255, nullable: true })
  providerPaymentId: string | null;

  /** Handed to the owner's client SDK for client-side confirmation. */
  @Column('varchar', { length: 255, nullable: true })
  clientSecret: string | null;

  @Column('varchar', { length: 32 })
  status: PaymentStatus;

  @Column('bigint', { transformer: amountTransformer })
  amountRefunded: number;

  @Column('varchar', { length: 100, nullable: true })
  failureCode: string | null;

  @Column('varchar', { length: 500, nullable: true })
  failureMessage: string | null;

  @Column('jsonb', { nullable: true })
  nextAction: NextAction | null;

  /** Numbers our provider idempotency keys for confirms (`payment:<id>:confirm:<n>`). */
  @Column('int', { default: 0 })
  confirmAttempts: number;

  /** From the app clock: how long the payment has been in its status (reconciliation). */
  @Column('timestamptz')
  statusChangedAt: Date;

  /**
   * The confirm or cancel now calling the provider for this payment, if any: one at a time, so
   * a concurrent one is answered 409 instead of racing it at the provider. The token tells the
   * holder's release from another's; past `operationExpiresAt` (the holder died) it is free.
   */
  @Column('varchar', { length: 16, nullable: true })
  operation: PaymentOperation | null;

  @Column('uuid', { nullable: true })
  operationToken: string | null;

  /** From the app clock. */
  @Column('timestamptz', { nullable: true })
  operationExpiresAt: Date | null;

  /** From the app clock: when reconciliation last asked the provider about it. */
  @Column('timestamptz', { nullable: true })
  reconciledAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
