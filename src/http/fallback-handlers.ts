import type { NextFunction, Request, Response } from 'express';
import { currentRequestId } from '../logging/request-context.js';
import type { ErrorLog } from './error-log.js';
import { problemHeaders, toProblem } from './problem-details.filter.js';
import { PROBLEM_CONTENT_TYPE, statusTitle, type Problem } from './problem-details.js';

/**
 * Express-level fallbacks for what never reaches Nest's exception filters: paths outside the
 * `/api` prefix that no route matches, and errors thrown by plain Express middleware (the queue
 * dashboard). Same problem+json as everywhere else.
 */
export function notFound(req: Request, res: Response): void {
  send(req, res, {
    type: 'about:blank',
    title: statusTitle(404),
    status: 404,
    detail: `Cannot ${req.method} ${req.path}`,
  });
}

export function finalErrorHandler(errors: ErrorLog) {
  return (err: unknown, req: Request, res: Response, next: NextFunction): void => {
    if (res.headersSent) return next(err);
    const problem = toProblem(err);
    errors.log(err, problem);
    for (const [name, value] of Object.entries(problemHeaders(err, problem)))
      res.setHeader(name, value);
    send(req, res, problem);
  };
}

function send(req: Request, res: Response, problem: Problem): void {
  problem.instance = req.originalUrl.split('?')[0];
  problem.requestId = currentRequestId();
  res.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
}
