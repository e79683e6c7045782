import type { Client } from 'openapi-fetch';
import type { ApiPaths } from './paths.js';
import { ApiProblem, ok } from './problem.js';
import { readSse, type SseMessage } from './sse.js';

type NotificationPage =
  ApiPaths['/api/v1/notifications']['get']['responses'][200]['content']['application/json'];

/** A notification as the list and the stream carry it. */
export type Notification = NotificationPage['data'][number];

export type NotificationEvent =
  /** `id` is the stream position: keep the latest to resume after a restart (`lastEventId`). */
  | { type: 'notification'; id: string; notification: Notification }
  | { type: 'unread-count'; count: number }
  /**
   * The user's synced documents changed (on any device, this one included): pull
   * `/sync/changes` from your cursor. Live only: not replayed after a reconnect, so pull once
   * after every (re)connect too.
   */
  | { type: 'sync'; cursor: string }
  /** The session was signed out: the stream has ended and will not reconnect. */
  | { type: 'session-revoked' };

export interface NotificationStreamOptions {
  /** Resume after this event (from an earlier stream): missed events are replayed first. */
  lastEventId?: string | null;
  /** Ends the stream (the loop over it finishes without an error). */
  signal?: AbortSignal;
  /** Wait before reconnecting after the stream ended; default: the server's `retry` (3 s). */
  reconnectDelayMs?: number;
  /** No byte for this long (the server sends a heartbeat every 20 s) counts as a dead link. */
  idleTimeoutMs?: number;
}

const MAX_BACKOFF_MS = 30_000;

/**
 * The user's notification stream: a ticket (`POST /notifications/stream-ticket`, authenticated
 * and refreshed like any call), then `GET /notifications/stream?ticket=`. When the connection
 * ends or goes quiet, it reconnects with a new ticket and `Last-Event-ID`, so nothing is missed or
 * repeated. Throws an ApiProblem when reconnecting cannot help (401: signed out).
 */
export async function* notificationEvents(
  client: Client<ApiPaths>,
  options: NotificationStreamOptions = {},
): AsyncGenerator<NotificationEvent> {
  const { signal, idleTimeoutMs = 60_000 } = options;
  let lastEventId = options.lastEventId ?? null;
  let serverRetryMs: number | null = null;
  let failures = 0;
  while (!signal?.aborted) {
    const connection = new Connection(signal, idleTimeoutMs);
    try {
      const body = await open(client, lastEventId, connection.signal);
      failures = 0;
      for await (const message of readSse(body, () => connection.alive())) {
        if (message.retry !== null) serverRetryMs = message.retry;
        if (message.id !== null) lastEventId = message.id;
        const event = toEvent(message);
        if (!event) continue;
        yield event;
        if (event.type === 'session-revoked') return;
      }
    } catch (error) {
      if (signal?.aborted) return;
      if (error instanceof ApiProblem && error.status >= 400 && error.status < 500) {
        if (error.status !== 408 && error.status !== 429) throw error;
      }
      failures++;
    } finally {
      connection.close();
    }
    const base = options.reconnectDelayMs ?? serverRetryMs ?? 3000;
    await sleep(Math.min(base * 2 ** Math.max(0, failures - 1), MAX_BACKOFF_MS), signal);
  }
}

async function open(
  client: Client<ApiPaths>,
  lastEventId: string | null,
  signal: AbortSignal,
): Promise<ReadableStream<Uint8Array>> {
  const { ticket } = await ok(client.POST('/api/v1/notifications/stream-ticket', { signal }));
  const { data, error, response } = await client.GET('/api/v1/notifications/stream', {
    params: {
      query: { ticket },
      header: lastEventId === null ? {} : { 'Last-Event-ID': lastEventId },
    },
    parseAs: 'stream',
    signal,
  });
  if (!response.ok || !data) throw ApiProblem.from(error, response);
  return data;
}

function toEvent(message: SseMessage): NotificationEvent | null {
  if (message.event === 'session-revoked') return { type: 'session-revoked' };
  const data = parse(message.data);
  if (message.event === 'notification' && message.id !== null && isNotification(data)) {
    return { type: 'notification', id: message.id, notification: data };
  }
  if (message.event === 'unread-count' && isCount(data)) {
    return { type: 'unread-count', count: data.count };
  }
  if (message.event === 'sync' && isCursor(data)) return { type: 'sync', cursor: data.cursor };
  return null; // an event this version does not know: newer servers may add some
}

function parse(data: string): unknown {
  try {
    return JSON.parse(data);
  } catch {
    return null;
  }
}

function isNotification(value: unknown): value is Notification {
  if (typeof value !== 'object' || value === null) return false;
  return ['id', 'type', 'category', 'title', 'body', 'createdAt'].every(
    (key) => typeof Reflect.get(value, key) === 'string',
  );
}

function isCount(value: unknown): value is { count: number } {
  return (
    typeof value === 'object' &&
    value !== null &&
    'count' in value &&
    typeof value.count === 'number'
  );
}

function isCursor(value: unknown): value is { cursor: string } {
  return (
    typeof value === 'object' &&
    value !== null &&
    'cursor' in value &&
    typeof value.cursor === 'string'
  );
}

/** One connection's abort: the caller's signal, or the idle watchdog. */
class Connection {
  private readonly controller = new AbortController();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly onAbort = () => this.controller.abort();

  constructor(
    private readonly outer: AbortSignal | undefined,
    private readonly idleMs: number,
  ) {
    outer?.addEventListener('abort', this.onAbort, { once: true });
    this.alive();
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  alive(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.controller.abort(), this.idleMs);
  }

  close(): void {
    clearTimeout(this.timer);
    this.outer?.removeEventListener('abort', this.onAbort);
    this.controller.abort();
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
