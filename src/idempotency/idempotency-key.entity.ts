import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

export type IdempotencyState = 'in_flight' | 'completed';

/** One Idempotency-Key use: who (scope), where (method + path), what (body fingerprint), result. */
@Entity({ name: 'idempotency_keys' })
@Check('idempotency_keys_state_check', `"state" IN ('in_flight', 'completed')`)
@Check('idempotency_keys_completed_check', `"state" = 'in_flight' OR "response_status" IS NOT NULL`)
@Index('idempotency_keys_scope_unique', ['scope', 'method', 'path', 'key'], { unique: true })
@Index('idempotency_keys_expires_idx', ['expiresAt'])
export class IdempotencyKey {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** The caller's user id, or `anonymous` on a public route. */
  @Column('varchar', { length: 64 })
  scope: string;

  @Column('varchar', { length: 10 })
  method: string;

  @Column('varchar', { length: 500 })
  path: string;

  @Column('varchar', { length: 255 })
  key: string;

  /** SHA-256 (hex) of the request's method, path, query and body. */
  @Column('varchar', { length: 64 })
  fingerprint: string;

  @Column('varchar', { length: 16 })
  state: IdempotencyState;

  /** Who holds the in-flight claim; a takeover after a crash gets a new token. */
  @Column('uuid', { nullable: true })
  lockToken: string | null;

  @Column('timestamptz', { nullable: true })
  lockedUntil: Date | null;

  @Column('int', { nullable: true })
  responseStatus: number | null;

  @Column('jsonb', { nullable: true })
  responseBody: unknown;

  @Column('timestamptz')
  expiresAt: Date;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
