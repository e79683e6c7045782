import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { currentRequestId } from '../logging/request-context.js';
import type { ClientInfo } from './client-info.js';
import type { AuthEventType } from './entities/auth-event.entity.js';
import { AuthEventsRepository } from './repositories/auth-events.repository.js';

export interface AuthEventInput {
  type: AuthEventType;
  userId?: string | null;
  sessionId?: string | null;
  actorId?: string | null;
  client?: ClientInfo;
  /** Never a password, token or hash. */
  details?: Record<string, unknown>;
}

const WARN: ReadonlySet<AuthEventType> = new Set([
  'login_failed',
  'login_throttled',
  'refresh_reuse_detected',
  'passkey_clone_suspected',
  'mfa_failed',
]);

export interface AuthEventRow {
  type: AuthEventType;
  userId: string | null;
  sessionId: string | null;
  actorId: string | null;
  ipAddress: string | null;
  userAgent: string | null;
  requestId: string | null;
  details: Record<string, unknown>;
}

/** The security audit trail: a row in auth_events and a structured `security` log line. */
@Injectable()
export class AuditTrail {
  private readonly logger = new Logger('security');

  constructor(private readonly events: AuthEventsRepository) {}

  /** In a statement of its own. */
  async record(input: AuthEventInput): Promise<void> {
    const row = this.rowOf(input);
    this.log(row);
    await this.events.insert(row);
  }

  /** Inside the caller's transaction, so the event commits with the change. */
  async recordIn(manager: EntityManager, input: AuthEventInput): Promise<void> {
    const row = this.rowOf(input);
    this.log(row);
    await this.events.insertIn(manager, row);
  }

  /** The auth_events row of an event, for a caller that inserts it in its own statement. */
  rowOf(input: AuthEventInput): AuthEventRow {
    return {
      type: input.type,
      userId: input.userId ?? null,
      sessionId: input.sessionId ?? null,
      actorId: input.actorId ?? null,
      ipAddress: input.client?.ip ?? null,
      userAgent: input.client?.userAgent ?? null,
      requestId: currentRequestId() ?? null,
      details: input.details ?? {},
    };
  }

  /** The structured `security` log line of an event row. */
  log(row: AuthEventRow): void {
    const log = {
      event: `auth.${row.type}`,
      userId: row.userId,
      sessionId: row.sessionId,
      actorId: row.actorId,
      ip: row.ipAddress,
      requestId: row.requestId,
      ...row.details,
    };
    if (WARN.has(row.type)) this.logger.warn(log, `auth event ${row.type}`);
    else this.logger.log(log, `auth event ${row.type}`);
  }
}
