import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { ProblemException } from '../http/problem.exception.js';
import {
  toNotificationResponse,
  type NotificationPageDto,
  type NotificationResponseDto,
} from './dto/notification.dto.js';
import { unavailableDependency } from '../common/dependency-errors.js';
import { NotificationEvents } from './notification-events.js';
import { NotificationsRepository, type InboxCursor } from './notifications.repository.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO_MICROS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/** The in-app inbox: the user's own notifications only (another user's id is a 404). */
@Injectable()
export class InboxService {
  constructor(
    private readonly repository: NotificationsRepository,
    private readonly events: NotificationEvents,
    private readonly clock: Clock,
  ) {}

  async list(
    userId: string,
    query: { limit: number; cursor?: string; unread: boolean },
  ): Promise<NotificationPageDto> {
    const before = query.cursor ? decodeCursor(query.cursor) : null;
    const rows = await this.repository.inbox(userId, {
      limit: query.limit + 1,
      unreadOnly: query.unread,
      before,
    });
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return {
      data: page.map((r) => toNotificationResponse(r.view)),
      nextCursor: rows.length > query.limit && last ? encodeCursor(last.cursor) : null,
    };
  }

  unreadCount(userId: string): Promise<number> {
    return this.repository.unreadCount(userId);
  }

  async markRead(userId: string, id: string): Promise<NotificationResponseDto> {
    const result = await this.repository.markRead(userId, id, this.clock.now());
    if (!result) {
      throw new ProblemException({
        status: 404,
        slug: 'not-found',
        detail: 'No such notification.',
      });
    }
    if (result.changed) await this.publishCount(userId);
    return toNotificationResponse(result.view);
  }

  async markAllRead(userId: string): Promise<number> {
    const marked = await this.repository.markAllRead(userId, this.clock.now());
    if (marked > 0) await this.publishCount(userId);
    return marked;
  }

  /**
   * After the change committed: the real-time count is a courtesy to open streams (a client
   * re-reads it on reconnect), so a Redis outage must not turn a done write into an error.
   */
  private async publishCount(userId: string): Promise<void> {
    const count = await this.repository.unreadCount(userId);
    await this.events
      .publish([{ userId, event: 'unread-count', data: { count } }])
      .catch((error: unknown) => {
        if (unavailableDependency(error) !== 'redis') throw error;
      });
  }
}

function encodeCursor(cursor: InboxCursor): string {
  return Buffer.from(`${cursor.createdAt}|${cursor.id}`).toString('base64url');
}

function decodeCursor(value: string): InboxCursor {
  const [createdAt = '', id = ''] = Buffer.from(value, 'base64url').toString().split('|');
  if (!ISO_MICROS.test(createdAt) || !UUID.test(id)) {
    throw new ProblemException({
      status: 400,
      slug: 'invalid-cursor',
      detail: 'The cursor is not one this API returned.',
    });
  }
  return { createdAt, id };
}
