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
import type { PushPlatform } from '../worker/transports/push.transport.js';

export const PUSH_PLATFORMS = ['ios', 'android', 'web'] as const;

/** A device token; a token belongs to the latest user who registered it. */
@Entity({ name: 'push_devices' })
@Index('push_devices_token_unique', ['token'], { unique: true })
@Index('push_devices_user_idx', ['userId'])
@Check('push_devices_platform_check', `"platform" IN ('ios', 'android', 'web')`)
export class PushDevice {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid')
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'push_devices_user_id_fkey' })
  user?: User;

  @Column('varchar', { length: 512 })
  token: string;

  @Column('varchar', { length: 8 })
  platform: PushPlatform;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
