import { Inject, Injectable } from '@nestjs/common';
import { Redis } from 'ioredis';
import { APP_CONFIG, type AppConfig } from '../config/index.js';

/** What the real-time stream carries, kept in the resumable log. */
export type StreamEventName = 'notification' | 'unread-count';

/**
 * Live-only events (signals): published to the user's open streams, never logged, without an id.
 * `sync`: the user's synced documents changed (published by the sync module, data `{ cursor }`).
 */
export type StreamSignalName = 'sync';

export interface StreamEvent {
  /**
   * The Redis stream entry id ("<ms>-<seq>"): the SSE `id`, resumable with Last-Event-ID. Null
   * for a signal: it is not in the log, so it must not move the client's resume position.
   */
  id: string | null;
  event: StreamEventName | StreamSignalName;
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
 * Real-time events for the SSE stream (not to be confused with the outbox events of
 * `outbox-events.ts`). Each event is appended to a per-user Redis stream (the
 * entry id orders events and lets a reconnecting client resume after its Last-Event-ID) and
 * published on the user's pub/sub channel in the same MULTI, so any API instance holding the
 * user's connection forwards it live, in the same order as the log.
 */
@Injectable()
export class StreamEvents {
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
    // One script call per batch: each event's XADD + PUBLISH in order, the batch atomic.
    const args: string[] = [String(STREAM_MAXLEN), String(STREAM_TTL_S)];
    for (const e of events) args.push(this.channel(e.userId), e.event, JSON.stringify(e.data));
    await this.redis.eval(
      PUBLISH_SCRIPT,
      events.length,
      ...events.map((e) => this.logKey(e.userId)),
      ...args,
    );
  }

  /**
   * A live-only event to the user's open streams on every instance: PUBLISH without XADD, so it
   * neither trims the log nor is replayed on a reconnect (its sender must not need that).
   */
  async signal(userId: string, event: StreamSignalName, data: unknown): Promise<void> {
    const message: StreamEvent = { id: null, event, data: JSON.stringify(data) };
    await this.redis.publish(this.channel(userId), JSON.stringify(message));
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
 * KEYS: the log stream of each event; ARGV: maxlen, ttl, then channel, event, data per event.
 * Channels are arguments, not keys: pub/sub channels are not keys (and ioredis must not prefix
 * them).
 */
const PUBLISH_SCRIPT = `
for i, key in ipairs(KEYS) do
  local channel, event, data = ARGV[i * 3], ARGV[i * 3 + 1], ARGV[i * 3 + 2]
  local id = redis.call('XADD', key, 'MAXLEN', '~', ARGV[1], '*', 'event', event, 'data', data)
  redis.call('EXPIRE', key, ARGV[2])
  redis.call('PUBLISH', channel, cjson.encode({ id = id, event = event, data = data }))
end
return #KEYS
`;

/** Compares Redis stream ids ("ms-seq"); negative when a < b. */
export function compareStreamIds(a: string, b: string): number {
  const [am = 0n, as = 0n] = a.split('-').map(BigInt);
  const [bm = 0n, bs = 0n] = b.split('-').map(BigInt);
  if (am !== bm) return am < bm ? -1 : 1;
  return as === bs ? 0 : as < bs ? -1 : 1;
}

export const STREAM_ID = /^\d{1,20}-\d{1,20}$/;
