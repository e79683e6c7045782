import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  UpdateDateColumn,
} from 'typeorm';
import { User } from '../../users/entities/user.entity.js';
import type { PreferencesUpdate } from '../domain/preferences.js';

/** A user's overrides of the default switches (sparse) and their quiet hours. */
@Entity({ name: 'notification_preferences' })
@Check(
  'notification_preferences_quiet_hours_check',
  `("quiet_hours_start" IS NULL) = ("quiet_hours_end" IS NULL)`,
)
export class NotificationPreference {
  @PrimaryColumn('uuid')
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({
    name: 'user_id',
    foreignKeyConstraintName: 'notification_preferences_user_id_fkey',
  })
  user?: User;

  /** category → channel → on/off; only what the user changed (merged over the defaults). */
  @Column('jsonb')
  channels: PreferencesUpdate;

  /** "HH:MM" in the user's time zone; both null when quiet hours are off. */
  @Column('varchar', { length: 5, nullable: true })
  quietHoursStart: string | null;

  @Column('varchar', { length: 5, nullable: true })
  quietHoursEnd: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
