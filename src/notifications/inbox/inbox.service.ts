import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock.js';
import { unavailableDependency } from '../../common/dependency-errors.js';
import { decodeCursor, toPage, type Page } from '../../common/pagination/keyset.js';
import { notificationNotFound } from '../domain/notifications.errors.js';
import type { NotificationView } from '../domain/notification-view.js';
import { NotificationsRepository } from '../repositories/notifications.repository.js';
import { StreamEvents } from '../stream-events.js';

/** The in-app inbox: the user's own notifications only (another user's id is a 404). */
@Injectable()
export class InboxService {
  constructor(
    private readonly repository: NotificationsRepository,
    private readonly events: StreamEvents,
    private readonly clock: Clock,
  ) {}

  async list(
    userId: string,
    query: { limit: number; cursor?: string; unread: boolean },
  ): Promise<Page<NotificationView>> {
    const before = decodeCursor(query.cursor);
    const rows = await this.repository.inbox(userId, {
      limit: query.limit + 1,
      unreadOnly: query.unread,
      before,
    });
    const page = toPage(rows, query.limit, (r) => r.cursor);
    return { items: page.items.map((r) => r.view), nextCursor: page.nextCursor };
  }

  unreadCount(userId: string): Promise<number> {
    return this.repository.unreadCount(userId);
  }

  async markRead(userId: string, id: string): Promise<NotificationView> {
    const result = await this.repository.markRead(userId, id, this.clock.now());
    if (!result) throw notificationNotFound();
    if (result.changed) await this.publishCount(userId);
    return result.view;
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
