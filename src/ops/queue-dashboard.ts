import { createBullBoard } from '@bull-board/api';
import { BullAdapter } from '@bull-board/api/bullAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { getQueueToken } from '@nestjs/bull';
import type { INestApplication } from '@nestjs/common';
import type { Queue } from 'bull';
import type { NextFunction, Request, Response } from 'express';
import { SessionCache } from '../auth/index.js';
import { ProblemException } from '../http/problem.exception.js';
import { QUEUES } from '../queue/queues.js';
import { DashboardTickets } from './dashboard-tickets.js';

export const DASHBOARD_PATH = '/admin/queues';
export const DASHBOARD_COOKIE = 'queue_dashboard';

/** bull-board on every queue, for admins holding a dashboard ticket of a live session. */
export function mountQueueDashboard(app: INestApplication): void {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(DASHBOARD_PATH);
  createBullBoard({
    queues: Object.values(QUEUES).map(
      (q) => new BullAdapter(app.get<Queue>(getQueueToken(q.name), { strict: false })),
    ),
    serverAdapter,
  });
  const tickets = app.get(DashboardTickets);
  const sessions = app.get(SessionCache, { strict: false });
  app.use(DASHBOARD_PATH, dashboardAuth(tickets, sessions), serverAdapter.getRouter());
}

function dashboardAuth(tickets: DashboardTickets, sessions: SessionCache) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    const ticket = tickets.verify(readCookie(req.headers.cookie, DASHBOARD_COOKIE));
    if (!ticket) return next(unauthenticated());
    sessions.isActive(ticket.sessionId, ticket.userId).then(
      (active) => next(active ? undefined : unauthenticated()),
      (err: unknown) => next(err),
    );
  };
}

/** Rendered by the app's final error handler, like every problem (requestId, instance). */
function unauthenticated(): ProblemException {
  return new ProblemException({
    status: 401,
    slug: 'unauthenticated',
    detail: `Open the dashboard with POST /api/v1/admin/queue-dashboard/session first (admins only).`,
  });
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key !== name) continue;
    try {
      return decodeURIComponent(value.join('='));
    } catch {
      // A malformed escape is no ticket: 401, not a 500.
      return undefined;
    }
  }
  return undefined;
}
