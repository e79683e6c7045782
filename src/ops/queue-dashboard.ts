import { createBullBoard } from '@bull-board/api';
import { BullAdapter } from '@bull-board/api/bullAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { getQueueToken } from '@nestjs/bull';
import type { INestApplication } from '@nestjs/common';
import type { Queue } from 'bull';
import type { NextFunction, Request, Response } from 'express';
import { SessionCache } from '../auth/session-cache.js';
import { PROBLEM_CONTENT_TYPE } from '../http/problem-details.js';
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
  return (req: Request, res: Response, next: NextFunction): void => {
    const ticket = tickets.verify(readCookie(req.headers.cookie, DASHBOARD_COOKIE));
    if (!ticket) return deny(res);
    sessions.isActive(ticket.sessionId, ticket.userId).then(
      (active) => (active ? next() : deny(res)),
      (err: unknown) => next(err),
    );
  };
}

function deny(res: Response): void {
  res
    .status(401)
    .type(PROBLEM_CONTENT_TYPE)
    .send(
      JSON.stringify({
        type: 'urn:problem:unauthenticated',
        title: 'Unauthorized',
        status: 401,
        detail: `Open the dashboard with POST /api/v1/admin/queue-dashboard/session first (admins only).`,
      }),
    );
}

function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return decodeURIComponent(value.join('='));
  }
  return undefined;
}
