import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import type { ProviderName } from '../providers/payment-provider.js';

export type WebhookEventStatus = 'pending' | 'processed' | 'ignored' | 'failed';

/** A verified provider event in our terms, as stored (dates as ISO text). */
export interface StoredProviderEvent {
  id: string;
  type: string;
  kind: 'payment' | 'refund' | 'other';
  providerPaymentId: string | null;
  status?: string;
  refund?: { providerRefundId: string; amount: number; status: string };
  createdAt: string;
}

@Entity({ name: 'webhook_events' })
@Check('webhook_events_provider_check', `"provider" IN ('stripe', 'sandbox')`)
@Check('webhook_events_status_check', `"status" IN ('pending', 'processed', 'ignored', 'failed')`)
@Index('webhook_events_provider_event_unique', ['provider', 'eventId'], { unique: true })
@Index('webhook_events_status_received_idx', ['status', 'receivedAt'])
export class WebhookEvent {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('varchar', { length: 16 })
  provider: ProviderName;

  /** The provider's event id: the deduplication key. */
  @Column('varchar', { length: 255 })
  eventId: string;

  @Column('varchar', { length: 100 })
  type: string;

  @Column('jsonb')
  event: StoredProviderEvent;

  @Column('varchar', { length: 16 })
  status: WebhookEventStatus;

  @Column('int', { default: 0 })
  attempts: number;

  @Column('varchar', { length: 1000, nullable: true })
  lastError: string | null;

  @Column('timestamptz')
  receivedAt: Date;

  @Column('timestamptz', { nullable: true })
  processedAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
