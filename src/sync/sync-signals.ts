import { Injectable, Logger } from '@nestjs/common';
import { StreamService } from '../notifications/index.js';
import { decodeChangeCursor } from './domain/cursors.js';

/** A user's publishing: the seq in flight, and the newest cursor announced meanwhile. */
interface InFlight {
  seq: number;
  next: { cursor: string; seq: number } | null;
}

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
 * write, and the last one carries the newest cursor (commits end in seq order, but their calls
 * here may not: an older cursor arriving while a newer one is in flight is dropped).
 *
 * Called after the commit: a Redis failure is logged (once per burst), never thrown. The data is
 * safe, and the devices catch up at their next pull or reconnect.
 */
@Injectable()
export class SyncSignals {
  private readonly logger = new Logger(SyncSignals.name);
  /** Users with a publish in flight. */
  private readonly inFlight = new Map<string, InFlight>();
  /** Failures not logged yet, and until when the log stays quiet about them. */
  private unlogged = 0;
  private quietUntil = 0;

  constructor(private readonly streams: StreamService) {}

  changed(userId: string, cursor: string): void {
    const { seq } = decodeChangeCursor(cursor);
    const busy = this.inFlight.get(userId);
    if (!busy) {
      void this.publish(userId, { cursor, seq });
      return;
    }
    if (seq > (busy.next?.seq ?? busy.seq)) busy.next = { cursor, seq };
  }

  private async publish(userId: string, first: { cursor: string; seq: number }): Promise<void> {
    const state: InFlight = { seq: first.seq, next: null };
    this.inFlight.set(userId, state);
    let current: { cursor: string; seq: number } | null = first;
    while (current) {
      state.seq = current.seq;
      state.next = null;
      try {
        await this.streams.signal(userId, 'sync', { cursor: current.cursor });
      } catch (err) {
        this.failed(err);
      }
      current = state.next;
    }
    this.inFlight.delete(userId);
  }

  /** An outage under load stays a line per window, not one per write. */
  private failed(err: unknown): void {
    const now = Date.now();
    if (now < this.quietUntil) {
      this.unlogged++;
      return;
    }
    const message = err instanceof Error ? err.message : String(err);
    this.logger.warn(
      { dependency: 'redis', error: message, alsoFailed: this.unlogged },
      'sync events not published: devices catch up at their next pull',
    );
    this.unlogged = 0;
    this.quietUntil = now + LOG_WINDOW_MS;
  }
}

const LOG_WINDOW_MS = 10_000;
