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
import type { Category, NotificationType } from '../domain/catalogue.js';
import { NotificationBroadcast } from './notification-broadcast.entity.js';

/** One per user per trigger: the rendered in-app content and its read state. */
@Entity({ name: 'notifications' })
@Index('notifications_user_key_unique', ['userId', 'idempotencyKey'], { unique: true })
// Inbox listing, newest first (a b-tree is scanned backwards for DESC).
@Index('notifications_inbox_idx', ['userId', 'createdAt', 'id'], { where: 'inbox' })
@Index('notifications_unread_idx', ['userId'], { where: 'inbox AND read_at IS NULL' })
@Index('notifications_broadcast_idx', ['broadcastId'], { where: 'broadcast_id IS NOT NULL' })
@Check(
  'notifications_category_check',
  `"category" IN ('security', 'account', 'payments', 'marketing')`,
)
export class Notification {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid')
  userId: string;

  // The FK only; this module never reads the users table through it.
  @ManyToOne(() => User, { onDelete: 'CASCADE', createForeignKeyConstraints: true })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'notifications_user_id_fkey' })
  user?: User;

  @Column('varchar', { length: 64 })
  type: NotificationType;

  @Column('varchar', { length: 16 })
  category: Category;

  @Column('varchar', { length: 200 })
  idempotencyKey: string;

  /** In-app content, rendered in the user's locale when the notification was created. */
  @Column('varchar', { length: 300 })
  title: string;

  @Column('text')
  body: string;

  /** The trigger's data; email and push are rendered from it at send time. */
  @Column('jsonb')
  data: Record<string, unknown>;

  /** Shown in the in-app inbox (false when the user switched in-app off for the category). */
  @Column('boolean')
  inbox: boolean;

  @Column('uuid', { nullable: true })
  broadcastId: string | null;

  @ManyToOne(() => NotificationBroadcast, { onDelete: 'SET NULL' })
  @JoinColumn({
    name: 'broadcast_id',
    foreignKeyConstraintName: 'notifications_broadcast_id_fkey',
  })
  broadcast?: NotificationBroadcast;

  @Column('timestamptz', { nullable: true })
  readAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
