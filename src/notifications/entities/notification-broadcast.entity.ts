import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { User } from '../../users/entities/user.entity.js';
import type { Role } from '../../common/auth/auth-principal.js';

export const BROADCAST_STATUSES = ['pending', 'running', 'completed'] as const;
export type BroadcastStatus = (typeof BROADCAST_STATUSES)[number];

/** An announcement fanned out to all active users (or one role) in batches by the worker. */
@Entity({ name: 'notification_broadcasts' })
@Check('notification_broadcasts_status_check', `"status" IN ('pending', 'running', 'completed')`)
@Check('notification_broadcasts_role_check', `"role" IS NULL OR "role" IN ('user', 'admin')`)
@Check(
  'notification_broadcasts_counts_check',
  `"users_processed" >= 0 AND "notifications_created" >= 0 AND "deliveries_queued" >= 0 AND "deliveries_skipped" >= 0`,
)
export class NotificationBroadcast {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid', { nullable: true })
  createdBy: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({
    name: 'created_by',
    foreignKeyConstraintName: 'notification_broadcasts_created_by_fkey',
  })
  creator?: User;

  @Column('varchar', { length: 200 })
  title: string;

  @Column('text')
  body: string;

  /** Only users with this role; null: every active user. */
  @Column('varchar', { length: 16, nullable: true })
  role: Role | null;

  @Column('varchar', { length: 16, default: 'pending' })
  status: BroadcastStatus;

  /** Keyset position: the last user id fanned out. */
  @Column('uuid', { nullable: true })
  cursorUserId: string | null;

  @Column('int', { default: 0 })
  usersProcessed: number;

  @Column('int', { default: 0 })
  notificationsCreated: number;

  /** Email and push deliveries queued (in-app is stored at once and not counted here). */
  @Column('int', { default: 0 })
  deliveriesQueued: number;

  @Column('int', { default: 0 })
  deliveriesSkipped: number;

  @Column('timestamptz', { nullable: true })
  startedAt: Date | null;

  @Column('timestamptz', { nullable: true })
  completedAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
