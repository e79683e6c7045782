import { json } from 'express';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { IncomingMessage } from 'node:http';
import { INPUT_LIMITS, scanJsonShape, type InputLimits } from './input-limits.js';

/**
 * A route whose JSON body may be larger or richer than BODY_LIMIT and INPUT_LIMITS allow (a
 * document store takes users' own JSON). Everything else about the body is handled as usual.
 */
export interface RouteBody {
  method: string;
  path: RegExp;
  limitBytes: number;
  shape: InputLimits;
}

/**
 * Parses the bodies of `routes` with their own limits, before the global parser (which then
 * sees the body parsed and leaves it). `keepRaw` is the global parser's hook on the raw bytes.
 */
export function routeJsonBodies(
  routes: RouteBody[],
  keepRaw: (req: IncomingMessage, body: Buffer) => void,
): RequestHandler {
  const parsers = routes.map((route) =>
    json({
      limit: route.limitBytes,
      verify: (req, _res, body) => {
        keepRaw(req, body);
        scanJsonShape(body, route.shape);
      },
    }),
  );
  return (req: Request, res: Response, next: NextFunction) => {
    const index = routes.findIndex((route) => matches(route, req));
    const parser = parsers[index];
    if (!parser) return next();
    return parser(req, res, next);
  };
}

/** The shape limits of the request's route: its own, or INPUT_LIMITS. */
export function shapeLimitsFor(routes: RouteBody[]): (req: Request) => InputLimits {
  return (req) => routes.find((route) => matches(route, req))?.shape ?? INPUT_LIMITS;
}

function matches(route: RouteBody, req: Request): boolean {
  return req.method === route.method && route.path.test(req.path);
}
