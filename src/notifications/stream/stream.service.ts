import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import type { Response } from 'express';
import { Redis } from 'ioredis';
import { Clock } from '../../common/clock.js';
import { APP_CONFIG, type AppConfig } from '../../config/index.js';
import { invalidStreamTicket } from '../domain/notifications.errors.js';
import { NotificationsRepository } from '../repositories/notifications.repository.js';
import {
  compareStreamIds,
  STREAM_ID,
  StreamEvents,
  type StreamEvent,
  type StreamSignalName,
} from '../stream-events.js';

interface Connection {
  res: Response;
  /** The session the ticket was issued to: its revocation ends the stream. */
  sessionId: string;
  /** The last event id written; later events only. */
  lastId: string | null;
  /** Live events that arrived while the replay ran; null once live. */
  pending: StreamEvent[] | null;
}

/**
 * Server-sent events for the signed-in user. Authentication: EventSource cannot send an
 * Authorization header, so the client first trades its access token for a short-lived,
 * single-use ticket (`POST /notifications/stream-ticket`) and passes it in the query string.
 * A ticket in a URL may be logged; it expires in seconds and works once, unlike an access token.
 *
 * Events come from Redis pub/sub (one subscriber connection per API instance, one channel per
 * connected user), so whichever instance a client is connected to receives them. A reconnect
 * with Last-Event-ID replays what it missed from the user's Redis event log, then goes live
 * without gaps or repeats (live events are buffered during the replay and deduplicated by id).
 *
 * A stream belongs to the session that asked for its ticket. Revoking a session (closeSessions)
 * marks it in Redis, so its unused tickets are refused, and publishes its id on one revocation
 * channel that every instance holding streams listens to, so its open streams end at once
 * wherever they are. Pub/sub drops messages while a subscriber is disconnected: after each
 * (re)connect the subscriber checks its streams against the marks.
 */
@Injectable()
export class StreamService implements BeforeApplicationShutdown {
  private readonly logger = new Logger(StreamService.name);
  private subscriber: Redis | null = null;
  /** Resolves once the subscriber listens to the revocation channel. */
  private revocationsHeard: Promise<void> = Promise.resolve();
  private readonly connections = new Map<string, Set<Connection>>();

  constructor(
    private readonly redis: Redis,
    private readonly events: StreamEvents,
    private readonly repository: NotificationsRepository,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async issueTicket(owner: StreamOwner): Promise<{ ticket: string; expiresAt: string }> {
    const ticket = randomBytes(32).toString('base64url');
    const ttl = this.config.notifications.streamTicketTtlSeconds;
    await this.redis.set(ticketKey(ticket), `${owner.userId}:${owner.sessionId}`, 'EX', ttl);
    const expiresAt = new Date(this.clock.now().getTime() + ttl * 1000).toISOString();
    return { ticket, expiresAt };
  }

  /** The ticket's owner, consuming it; 401 when unknown, used, expired or its session revoked. */
  private async redeemTicket(ticket: string): Promise<StreamOwner> {
    const owner = parseOwner(await this.redis.getdel(ticketKey(ticket)));
    if (!owner || (await this.isRevoked(owner.sessionId))) throw invalidStreamTicket();
    return owner;
  }

  /**
   * Ends the sessions' streams on every instance and voids their unused tickets. Called by auth
   * after a revocation committed; the mark outlives any ticket issued before it.
   */
  async closeSessions(sessionIds: readonly string[]): Promise<void> {
    if (sessionIds.length === 0) return;
    const markMs = (this.config.notifications.streamTicketTtlSeconds + REVOKED_MARK_EXTRA_S) * 1000;
    const pipeline = this.redis.multi();
    for (const id of sessionIds) pipeline.set(revokedKey(id), '1', 'PX', markMs);
    pipeline.publish(this.revocationChannel(), JSON.stringify(sessionIds));
    const replies = await pipeline.exec();
    const failed = replies?.find(([error]) => error);
    if (failed) throw failed[0];
  }

  /** Redeems the ticket (401 when it is no good), then streams to its owner. */
  async connect(ticket: string, res: Response, lastEventId: string | null): Promise<void> {
    await this.open(await this.redeemTicket(ticket), res, lastEventId);
  }

  private async open(owner: StreamOwner, res: Response, lastEventId: string | null): Promise<void> {
    const { userId, sessionId } = owner;
    const resumeFrom = lastEventId && STREAM_ID.test(lastEventId) ? lastEventId : null;
    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-cache, no-transform');
    res.setHeader('Connection', 'keep-alive');
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
    res.write('retry: 3000\n\n');

    const conn: Connection = { res, sessionId, lastId: resumeFrom, pending: [] };
    const channel = this.events.channel(userId);
    const heartbeat = setInterval(() => {
      if (!res.writableEnded) res.write(': heartbeat\n\n');
    }, this.config.notifications.sseHeartbeatMs);
    res.on('close', () => {
      clearInterval(heartbeat);
      void this.detach(channel, conn);
    });
    await this.attach(channel, conn);
    // A revocation published between the ticket check and the subscription was missed.
    if (await this.isRevoked(sessionId)) return this.end(conn);

    if (resumeFrom) {
      for (const event of await this.events.after(userId, resumeFrom)) this.write(conn, event);
    } else {
      const count = await this.repository.unreadCount(userId);
      // No id: a count snapshot must not move the client's resume position. The stream may
      // have ended (revoked) while the count was read.
      if (!res.writableEnded) {
        res.write(`event: unread-count\ndata: ${JSON.stringify({ count })}\n\n`);
      }
    }
    const buffered = conn.pending ?? [];
    conn.pending = null;
    for (const event of buffered) this.write(conn, event);
  }

  /**
   * A live-only event (no id, not replayed after a reconnect) to every open stream of the user on
   * every instance. Rejects when Redis does: the caller decides whether that matters.
   */
  signal(userId: string, event: StreamSignalName, data: unknown): Promise<void> {
    return this.events.signal(userId, event, data);
  }

  async beforeApplicationShutdown(): Promise<void> {
    for (const set of this.connections.values()) for (const conn of set) conn.res.end();
    this.connections.clear();
    await this.subscriber?.quit().catch(() => this.subscriber?.disconnect());
    this.subscriber = null;
  }

  private write(conn: Connection, event: StreamEvent): void {
    if (conn.res.writableEnded) return;
    if (event.id === null) {
      // A signal: no `id:` line, so the client's Last-Event-ID stays on the logged events.
      conn.res.write(`event: ${event.event}\ndata: ${event.data}\n\n`);
      return;
    }
    if (conn.lastId && compareStreamIds(event.id, conn.lastId) <= 0) return;
    conn.lastId = event.id;
    conn.res.write(`id: ${event.id}\nevent: ${event.event}\ndata: ${event.data}\n\n`);
  }

  /** Tells the client why (it must sign in again), then ends the response. */
  private end(conn: Connection): void {
    if (conn.res.writableEnded) return;
    conn.res.end(`event: session-revoked\ndata: {}\n\n`);
  }

  private async isRevoked(sessionId: string): Promise<boolean> {
    return (await this.redis.exists(revokedKey(sessionId))) === 1;
  }

  /** Not prefixed by ioredis (a channel is not a key), so the app prefix is added here. */
  private revocationChannel(): string {
    return `${this.config.queue.prefix}:notif:sessions-revoked`;
  }

  private endSessions(sessionIds: readonly string[]): void {
    const ended = new Set(sessionIds);
    for (const set of this.connections.values()) {
      for (const conn of set) if (ended.has(conn.sessionId)) this.end(conn);
    }
  }

  /** After a subscriber (re)connect: revocations published while it was away were dropped. */
  private async endRevokedSessions(): Promise<void> {
    const ids = [...this.connections.values()].flatMap((set) => [...set].map((c) => c.sessionId));
    const unique = [...new Set(ids)];
    if (unique.length === 0) return;
    const marks = await this.redis.mget(...unique.map(revokedKey));
    this.endSessions(unique.filter((_, i) => marks[i] !== null));
  }

  private async attach(channel: string, conn: Connection): Promise<void> {
    let set = this.connections.get(channel);
    const subscriber = this.ensureSubscriber();
    if (!set) {
      set = new Set();
      this.connections.set(channel, set);
      set.add(conn);
      await Promise.all([subscriber.subscribe(channel), this.revocationsHeard]);
    } else {
      set.add(conn);
      await this.revocationsHeard;
    }
  }

  private async detach(channel: string, conn: Connection): Promise<void> {
    const set = this.connections.get(channel);
    if (!set) return;
    set.delete(conn);
    if (set.size === 0) {
      this.connections.delete(channel);
      await this.subscriber?.unsubscribe(channel).catch(() => undefined);
    }
  }

  private ensureSubscriber(): Redis {
    if (!this.subscriber) {
      const subscriber = this.redis.duplicate();
      const revocations = this.revocationChannel();
      subscriber.on('error', (error) =>
        this.logger.warn({ err: error }, 'stream subscriber error'),
      );
      subscriber.on('ready', () => {
        this.endRevokedSessions().catch((err: unknown) =>
          this.logger.warn({ err }, 'revoked streams not checked after a reconnect'),
        );
      });
      subscriber.on('message', (channel: string, message: string) => {
        if (channel === revocations) return this.onRevocation(message);
        const set = this.connections.get(channel);
        if (!set) return;
        let event: StreamEvent;
        try {
          event = JSON.parse(message) as StreamEvent;
        } catch {
          return;
        }
        for (const conn of set) {
          if (conn.pending) conn.pending.push(event);
          else this.write(conn, event);
        }
      });
      this.subscriber = subscriber;
      // Without the subscription, streams still end on a reconnect check, not at once: log it.
      this.revocationsHeard = subscriber.subscribe(revocations).then(
        () => undefined,
        (err: unknown) => this.logger.warn({ err }, 'revocation channel not subscribed'),
      );
    }
    return this.subscriber;
  }

  private onRevocation(message: string): void {
    let ids: unknown;
    try {
      ids = JSON.parse(message);
    } catch {
      return;
    }
    if (Array.isArray(ids)) this.endSessions(ids.filter((id) => typeof id === 'string'));
  }
}

/** Who may use a stream: the user and the session that asked for the ticket. */
export interface StreamOwner {
  userId: string;
  sessionId: string;
}

/**
 * Beyond the ticket lifetime, the mark lets the reconnect check (endRevokedSessions) catch
 * revocations a subscriber missed during a Redis outage up to this long.
 */
const REVOKED_MARK_EXTRA_S = 15 * 60;

function parseOwner(value: string | null): StreamOwner | null {
  // Tickets issued before streams were tied to sessions hold a bare user id: refused.
  const [userId, sessionId] = value?.split(':') ?? [];
  return userId && sessionId ? { userId, sessionId } : null;
}

function revokedKey(sessionId: string): string {
  return `notif:stream-revoked:${sessionId}`;
}

function ticketKey(ticket: string): string {
  return `notif:stream-ticket:${createHash('sha256').update(ticket).digest('hex')}`;
}
