import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { currentRequestId } from '../logging/request-context.js';
import { cursorTimestampSql, decodeCursor, encodeCursor } from '../common/pagination/keyset.js';
import type { ClientInfo } from './client-info.js';
import type { AuthEventPageDto } from './dto/auth-event.dto.js';
import { AuthEvent, type AuthEventType } from './entities/auth-event.entity.js';

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
export class AuthEventsService {
  private readonly logger = new Logger('security');

  constructor(@InjectRepository(AuthEvent) private readonly events: Repository<AuthEvent>) {}

  /** Inside the caller's transaction when given one, so the event commits with the change. */
  async record(input: AuthEventInput, manager?: EntityManager): Promise<void> {
    const row = this.rowOf(input);
    this.log(row);
    const repo = manager ? manager.getRepository(AuthEvent) : this.events;
    // jsonb details are opaque to TypeORM's deep-partial typing.
    await repo.insert(row as Partial<AuthEvent> as never);
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

  async listForUser(userId: string, limit: number, rawCursor?: string): Promise<AuthEventPageDto> {
    const cursor = decodeCursor(rawCursor);
    const query = this.events
      .createQueryBuilder('e')
      .addSelect(cursorTimestampSql('e'), 'cursor_ts')
      .where('e.user_id = :userId', { userId })
      .orderBy('e.created_at', 'DESC')
      .addOrderBy('e.id', 'DESC')
      .limit(limit + 1);
    if (cursor) {
      query.andWhere('(e.created_at, e.id) < (:cursorTs::timestamptz, :cursorId::uuid)', {
        cursorTs: cursor.createdAt,
        cursorId: cursor.id,
      });
    }
    const { entities, raw } = await query.getRawAndEntities<{ cursor_ts: string; e_id: string }>();
    const page = entities.slice(0, limit);
    const last = page.at(-1);
    const lastRaw = last ? raw.find((r) => r.e_id === last.id) : undefined;
    return {
      data: page.map((e) => ({
        id: e.id,
        type: e.type,
        sessionId: e.sessionId,
        actorId: e.actorId,
        ipAddress: e.ipAddress,
        userAgent: e.userAgent,
        requestId: e.requestId,
        details: e.details,
        createdAt: e.createdAt.toISOString(),
      })),
      nextCursor:
        entities.length > limit && last && lastRaw
          ? encodeCursor({ createdAt: lastRaw.cursor_ts, id: last.id })
          : null,
    };
  }
}
