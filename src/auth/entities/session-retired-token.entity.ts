import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  UpdateDateColumn,
} from 'typeorm';
import { Session } from './session.entity.js';

/**
 * A refresh token its session rotated past its previous slot: presented again, it is theft.
 * Written only by the rotation itself (SessionsRepository.rotate).
 */
@Entity({ name: 'session_retired_tokens' })
@Index('session_retired_tokens_session_idx', ['sessionId'])
export class SessionRetiredToken {
  /** SHA-256 (hex) of the retired refresh token. */
  @PrimaryColumn('char', { length: 64, primaryKeyConstraintName: 'PK_session_retired_tokens' })
  tokenHash: string;

  @Column('uuid')
  sessionId: string;

  @ManyToOne(() => Session, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'session_id', foreignKeyConstraintName: 'FK_session_retired_tokens_session' })
  session?: Session;

  /** The rotation that pushed it out of the previous slot, on the app's clock like `rotatedAt`. */
  @Column('timestamptz')
  retiredAt: Date;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
