import type { Request } from 'express';
import type { Strategy, StrategyCreatedStatic } from 'passport';

export type StrategyOutcome = { error: unknown; user: unknown };

/**
 * Runs one passport strategy for one request the way `passport.authenticate()` does for a single
 * strategy without sessions: a per-request `Object.create(strategy)` given passport's documented
 * actions (success, fail, error, pass, redirect), then `authenticate(req)`. The strategy itself
 * (passport-jwt: token extraction, jsonwebtoken's HS256, iss and aud checks, then validate()) is
 * untouched; what is skipped is the middleware plumbing around it (the authenticate closure,
 * request augmentation, the multi-strategy loop), about 15 % of an authenticated request's CPU
 * (bench/README.md, `me`).
 */
export function runStrategy(strategy: Strategy, req: Request): Promise<StrategyOutcome> {
  return new Promise((resolve) => {
    const actions: StrategyCreatedStatic = {
      success: (user) => resolve({ error: null, user }),
      fail: () => resolve({ error: null, user: false }),
      error: (error) => resolve({ error, user: false }),
      pass: () => resolve({ error: null, user: false }),
      redirect: () => resolve({ error: null, user: false }),
    };
    const attempt: unknown = Object.assign(Object.create(strategy) as Strategy, actions);
    // @types/passport types `this` polymorphically, which no caller outside passport can name.
    const authenticate = strategy.authenticate as (this: unknown, req: Request, o: object) => void;
    authenticate.call(attempt, req, {});
  });
}
