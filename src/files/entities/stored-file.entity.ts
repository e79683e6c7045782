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

export const FILE_PURPOSES = ['avatar', 'attachment'] as const;
export type FilePurpose = (typeof FILE_PURPOSES)[number];
export const FILE_STATUSES = ['pending', 'processing', 'ready', 'rejected'] as const;
export type FileStatus = (typeof FILE_STATUSES)[number];

/** A derived object (an avatar size), stored beside the original. */
export interface FileVariant {
  name: string;
  key: string;
  contentType: string;
  size: number;
  width: number;
  height: number;
}

/** bigint arrives as a string; file sizes stay far below 2^53. */
const bigintAsNumber = {
  to: (value: number) => value,
  from: (value: string | number) => Number(value),
};

/** An upload: its state here, its bytes in object storage under `storageKey`. */
@Entity({ name: 'files' })
@Index('files_owner_created_idx', ['ownerId', 'createdAt', 'id'])
@Index('files_pending_created_idx', ['createdAt'], { where: `"status" = 'pending'` })
@Index('files_storage_key_unique', ['storageKey'], { unique: true })
@Check('files_purpose_check', `"purpose" IN ('avatar', 'attachment')`)
@Check('files_status_check', `"status" IN ('pending', 'processing', 'ready', 'rejected')`)
@Check('files_size_check', `"size" >= 0`)
export class StoredFile {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_files' })
  id: string;

  @Column('uuid')
  ownerId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'owner_id', foreignKeyConstraintName: 'FK_files_owner' })
  owner?: User;

  @Column('varchar', { length: 32 })
  purpose: FilePurpose;

  @Column('varchar', { length: 16, default: 'pending' })
  status: FileStatus;

  @Column('varchar', { length: 255 })
  filename: string;

  @Column('varchar', { length: 127 })
  contentType: string;

  /** Declared at creation; complete checks the stored object against it. */
  @Column('bigint', { transformer: bigintAsNumber })
  size: number;

  @Column('varchar', { length: 512 })
  storageKey: string;

  @Column('jsonb', { default: () => "'[]'" })
  variants: FileVariant[];

  @Column('varchar', { length: 64, nullable: true })
  rejectionReason: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;

  @Column('timestamptz', { nullable: true })
  completedAt: Date | null;
}
