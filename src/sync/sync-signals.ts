import { Injectable, Logger } from '@nestjs/common';
import { StreamService } from '../notifications/index.js';

/**
 * Tells the user's devices, in real time, that their documents changed: a `sync` event
 * `{ cursor }` on every open stream of the user, on every api instance (Redis pub/sub), the
 * writer's own connections included. The devices then pull `/sync/changes` from their own cursor.
 *
 * Publish-only, not in the stream's resumable log: the log keeps the newest ~1000 events per user,
 * so a busy device's writes would trim its notifications out of it, and a replayed `sync` event
 * would tell a reconnecting client nothing its own cursor does not (it pulls `/sync/changes` after
 * every connect, which is exact). Coalesced per user in this process: while one publish is in
 * flight, later changes wait as one newest cursor, so a burst costs a few PUBLISHes, not one per
 * write, and the last one always carries the newest cursor.
 *
 * Called after the commit: a Redis failure is logged, never thrown. The data is safe, and the
 * devices catch up at their next pull or reconnect.
 */
@Injectable()
export class SyncSignals {
  private readonly logger = new Logger(SyncSignals.name);
  /** Users with a publish in flight → the newest cursor announced meanwhile (null: none). */
  private readonly waiting = new Map<string, string | null>();

  constructor(private readonly streams: StreamService) {}

  changed(userId: string, cursor: string): void {
    if (this.waiting.has(userId)) {
      this.waiting.set(userId, cursor);
      return;
    }
    this.waiting.set(userId, null);
    void this.publish(userId, cursor);
  }

  private async publish(userId: string, first: string): Promise<void> {
    let cursor: string | null = first;
    while (cursor !== null) {
      this.waiting.set(userId, null);
      try {
        await this.streams.signal(userId, 'sync', { cursor });
      } catch (err) {
        this.logger.warn({ err, userId }, 'sync event not published; devices catch up on pull');
      }
      cursor = this.waiting.get(userId) ?? null;
    }
    this.waiting.delete(userId);
  }
}
