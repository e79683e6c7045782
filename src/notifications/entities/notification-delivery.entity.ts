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
import type { Channel } from '../domain/catalogue.js';
import { Notification } from './notification.entity.js';

/**
 * `sending` is internal: a worker claimed the delivery (until `claimed_until`) and is talking to
 * the provider. The public states are queued, sent, failed and skipped.
 */
export const DELIVERY_STATUSES = ['queued', 'sending', 'sent', 'failed', 'skipped'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** One per notification and channel. */
@Entity({ name: 'notification_deliveries' })
@Index('notification_deliveries_channel_unique', ['notificationId', 'channel'], { unique: true })
@Check('notification_deliveries_channel_check', `"channel" IN ('email', 'push', 'in_app')`)
@Check(
  'notification_deliveries_status_check',
  `"status" IN ('queued', 'sending', 'sent', 'failed', 'skipped')`,
)
@Check('notification_deliveries_attempts_check', `"attempts" >= 0`)
export class NotificationDelivery {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid')
  notificationId: string;

  @ManyToOne(() => Notification, { onDelete: 'CASCADE' })
  @JoinColumn({
    name: 'notification_id',
    foreignKeyConstraintName: 'notification_deliveries_notification_id_fkey',
  })
  notification?: Notification;

  @Column('varchar', { length: 16 })
  channel: Channel;

  @Column('varchar', { length: 16 })
  status: DeliveryStatus;

  /** Send attempts started (claims), including the one that succeeded. */
  @Column('int', { default: 0 })
  attempts: number;

  @Column('text', { nullable: true })
  lastError: string | null;

  @Column('varchar', { length: 255, nullable: true })
  providerMessageId: string | null;

  /** When it is due: creation time, or the end of the user's quiet hours. */
  @Column('timestamptz')
  scheduledAt: Date;

  /** While `sending`: the claim's lease; another worker may take over after it. */
  @Column('timestamptz', { nullable: true })
  claimedUntil: Date | null;

  @Column('timestamptz', { nullable: true })
  sentAt: Date | null;

  @Column('timestamptz', { nullable: true })
  failedAt: Date | null;

  /** Push only: devices already sent to, so a retry after a partial failure skips them. */
  @Column('jsonb', { nullable: true })
  sentDeviceIds: string[] | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
