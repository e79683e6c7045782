import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { APP_CONFIG, type AppConfig } from '../config/index.js';

export const DASHBOARD_TICKET_TTL_SECONDS = 15 * 60;

export interface DashboardTicket {
  userId: string;
  sessionId: string;
}

/**
 * The queue dashboard is a browser UI whose requests cannot carry a bearer token, so an admin
 * exchanges their access token for this short-lived, HMAC-signed ticket, kept in an HttpOnly
 * cookie scoped to the dashboard's path.
 */
@Injectable()
export class DashboardTickets {
  /** The first signs; each verifies (JWT_SECRET, then JWT_PREVIOUS_SECRETS: a rotation). */
  private readonly keys: Buffer[];

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly clock: Clock,
  ) {
    this.keys = config.auth.jwtKeys.map(({ secret }) =>
      Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), 'queue-dashboard:v1', 32)),
    );
  }

  issue(ticket: DashboardTicket): string {
    const expires = Math.floor(this.clock.now().getTime() / 1000) + DASHBOARD_TICKET_TTL_SECONDS;
    const body = Buffer.from(
      JSON.stringify({ u: ticket.userId, s: ticket.sessionId, e: expires }),
    ).toString('base64url');
    return `${body}.${this.sign(body, this.keys[0] as Buffer)}`;
  }

  verify(value: string | undefined): DashboardTicket | null {
    const [body, signature] = (value ?? '').split('.');
    if (!body || !signature) return null;
    const given = Buffer.from(signature);
    const signedByOne = this.keys.some((key) => {
      const expected = Buffer.from(this.sign(body, key));
      return expected.length === given.length && timingSafeEqual(expected, given);
    });
    if (!signedByOne) return null;
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as {
      u: string;
      s: string;
      e: number;
    };
    if (claims.e * 1000 <= this.clock.now().getTime()) return null;
    return { userId: claims.u, sessionId: claims.s };
  }

  private sign(body: string, key: Buffer): string {
    return createHmac('sha256', key).update(body).digest('base64url');
  }
}
