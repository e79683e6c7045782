import { describe, expect, it } from '@jest/globals';
import type { Request, Response } from 'express';
import { INPUT_LIMITS } from './input-limits.js';
import { routeJsonBodies, shapeLimitsFor, type RouteBody } from './route-bodies.js';

const wide = { ...INPUT_LIMITS, keys: 50_000 };
const routes: RouteBody[] = [
  { method: 'POST', path: /^\/api\/v1\/big$/, limitBytes: 10, shape: wide },
];
const req = (method: string, path: string) => ({ method, path }) as unknown as Request;

describe('route bodies', () => {
  it('gives a matching route its own shape limits, every other request INPUT_LIMITS', () => {
    const limitsFor = shapeLimitsFor(routes);
    expect(limitsFor(req('POST', '/api/v1/big'))).toBe(wide);
    expect(limitsFor(req('PUT', '/api/v1/big'))).toBe(INPUT_LIMITS);
    expect(limitsFor(req('POST', '/api/v1/big/x'))).toBe(INPUT_LIMITS);
  });

  it('leaves a request of another route to the next parser untouched', () => {
    const handler = routeJsonBodies(routes, () => undefined);
    let called = 0;
    handler(req('POST', '/api/v1/other'), {} as Response, () => called++);
    expect(called).toBe(1);
  });
});
