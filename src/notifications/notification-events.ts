import { Inject, Injectable } from '@nestjs/common';
import { Redis } from 'ioredis';
import { APP_CONFIG, type AppConfig } from '../config/index.js';

/** What the real-time stream carries. */
export type StreamEventName = 'notification' | 'unread-count';

export interface StreamEvent {
  /** The Redis stream entry id ("<ms>-<seq>"): the SSE `id`, resumable with Last-Event-ID. */
  id: string;
  event: StreamEventName;
  /** JSON text of the event's data. */
  data: string;
}

export interface PendingEvent {
  userId: string;
  event: StreamEventName;
  data: unknown;
}

/** Events kept per user for resuming (the newest ones; older ones are trimmed). */
const STREAM_MAXLEN = 1000;
/** A user's event log expires when nothing happened for this long. */
const STREAM_TTL_S = 7 * 24 * 3600;

/**
 * Real-time events for the SSE stream. Each event is appended to a per-user Redis stream (the
 * entry id orders events and lets a reconnecting client resume after its Last-Event-ID) and
 * published on the user's pub/sub channel in the same MULTI, so any API instance holding the
 * user's connection forwards it live, in the same order as the log.
 */
@Injectable()
export class NotificationEvents {
  constructor(
    private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The pub/sub channel (not prefixed by ioredis, so the app prefix is added here). */
  channel(userId: string): string {
    return `${this.config.queue.prefix}:notif:events:${userId}`;
  }

  /** The stream key, relative to the client's key prefix. */
  private logKey(userId: string): string {
    return `notif:log:${userId}`;
  }

  async publish(events: PendingEvent[]): Promise<void> {
    if (events.length === 0) return;
    // One round trip per batch; each user's XADD + PUBLISH stays atomic and ordered.
    const multi = this.redis.multi();
    for (const e of events) {
      const data = JSON.stringify(e.data);
      multi.eval(
        PUBLISH_SCRIPT,
        1,
        this.logKey(e.userId),
        this.channel(e.userId),
        e.event,
        data,
        String(STREAM_MAXLEN),
        String(STREAM_TTL_S),
      );
    }
    await multi.exec();
  }

  /** Events after `afterId` (exclusive), oldest first, at most `limit`. */
  async after(userId: string, afterId: string, limit = STREAM_MAXLEN): Promise<StreamEvent[]> {
    const entries = await this.redis.xrange(
      this.logKey(userId),
      `(${afterId}`,
      '+',
      'COUNT',
      limit,
    );
    return entries.map(([id, fields]) => {
      const map = new Map<string, string>();
      for (let i = 0; i + 1 < fields.length; i += 2) map.set(fields[i] ?? '', fields[i + 1] ?? '');
      return { id, event: map.get('event') as StreamEventName, data: map.get('data') ?? 'null' };
    });
  }
}

/**
 * KEYS[1] log stream; ARGV: channel, event, data, maxlen, ttl. The channel is an argument, not
 * a key: pub/sub channels are not keys (and ioredis must not prefix it).
 */
const PUBLISH_SCRIPT = `
local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[4], '*', 'event', ARGV[2], 'data', ARGV[3])
redis.call('EXPIRE', KEYS[1], ARGV[5])
redis.call('PUBLISH', ARGV[1], cjson.encode({ id = id, event = ARGV[2], data = ARGV[3] }))
return id
`;

/** Compares Redis stream ids ("ms-seq"); negative when a < b. */
export function compareStreamIds(a: string, b: string): number {
  const [am = 0n, as = 0n] = a.split('-').map(BigInt);
  const [bm = 0n, bs = 0n] = b.split('-').map(BigInt);
  if (am !== bm) return am < bm ? -1 : 1;
  return as === bs ? 0 : as < bs ? -1 : 1;
}

export const STREAM_ID = /^\d{1,20}-\d{1,20}$/;
