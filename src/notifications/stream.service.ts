import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import type { Response } from 'express';
import { Redis } from 'ioredis';
import { Clock } from '../common/clock.js';
import { APP_CONFIG, type AppConfig } from '../config/index.js';
import { ProblemException } from '../http/problem.exception.js';
import {
  compareStreamIds,
  NotificationEvents,
  STREAM_ID,
  type StreamEvent,
} from './notification-events.js';
import { NotificationsRepository } from './notifications.repository.js';

interface Connection {
  res: Response;
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
 */
@Injectable()
export class StreamService implements BeforeApplicationShutdown {
  private readonly logger = new Logger(StreamService.name);
  private subscriber: Redis | null = null;
  private readonly connections = new Map<string, Set<Connection>>();

  constructor(
    private readonly redis: Redis,
    private readonly events: NotificationEvents,
    private readonly repository: NotificationsRepository,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async issueTicket(userId: string): Promise<{ ticket: string; expiresAt: string }> {
    const ticket = randomBytes(32).toString('base64url');
    const ttl = this.config.notifications.streamTicketTtlSeconds;
    await this.redis.set(ticketKey(ticket), userId, 'EX', ttl);
    const expiresAt = new Date(this.clock.now().getTime() + ttl * 1000).toISOString();
    return { ticket, expiresAt };
  }

  /** The ticket's user, consuming it; 401 when unknown, used or expired. */
  async redeemTicket(ticket: string): Promise<string> {
    const userId = await this.redis.getdel(ticketKey(ticket));
    if (!userId) {
      throw new ProblemException({
        status: 401,
        slug: 'invalid-stream-ticket',
        detail: 'The stream ticket is unknown, used or expired; request a new one.',
      });
    }
    return userId;
  }

  async open(userId: string, res: Response, lastEventId: string | null): Promise<void> {
    const resumeFrom = lastEventId && STREAM_ID.test(lastEventId) ? lastEventId : null;
    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-cache, no-transform');
    res.setHeader('Connection', 'keep-alive');
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
    res.write('retry: 3000\n\n');

    const conn: Connection = { res, lastId: resumeFrom, pending: [] };
    const channel = this.events.channel(userId);
    const heartbeat = setInterval(
      () => res.write(': heartbeat\n\n'),
      this.config.notifications.sseHeartbeatMs,
    );
    res.on('close', () => {
      clearInterval(heartbeat);
      void this.detach(channel, conn);
    });
    await this.attach(channel, conn);

    if (resumeFrom) {
      for (const event of await this.events.after(userId, resumeFrom)) this.write(conn, event);
    } else {
      const count = await this.repository.unreadCount(userId);
      // No id: a count snapshot must not move the client's resume position.
      res.write(`event: unread-count\ndata: ${JSON.stringify({ count })}\n\n`);
    }
    const buffered = conn.pending ?? [];
    conn.pending = null;
    for (const event of buffered) this.write(conn, event);
  }

  async beforeApplicationShutdown(): Promise<void> {
    for (const set of this.connections.values()) for (const conn of set) conn.res.end();
    this.connections.clear();
    await this.subscriber?.quit().catch(() => this.subscriber?.disconnect());
    this.subscriber = null;
  }

  private write(conn: Connection, event: StreamEvent): void {
    if (conn.lastId && compareStreamIds(event.id, conn.lastId) <= 0) return;
    conn.lastId = event.id;
    conn.res.write(`id: ${event.id}\nevent: ${event.event}\ndata: ${event.data}\n\n`);
  }

  private async attach(channel: string, conn: Connection): Promise<void> {
    let set = this.connections.get(channel);
    if (!set) {
      set = new Set();
      this.connections.set(channel, set);
      set.add(conn);
      await this.ensureSubscriber().subscribe(channel);
    } else {
      set.add(conn);
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
      subscriber.on('error', (error) =>
        this.logger.warn({ err: error }, 'stream subscriber error'),
      );
      subscriber.on('message', (channel: string, message: string) => {
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
    }
    return this.subscriber;
  }
}

function ticketKey(ticket: string): string {
  return `notif:stream-ticket:${createHash('sha256').update(ticket).digest('hex')}`;
}
