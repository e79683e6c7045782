import type { NextFunction, Request, Response } from 'express';
import { ProblemException } from './problem.exception.js';

/**
 * Bounds on the shape of parsed input. Generous for every real request (the longest DTO string
 * is 5,000 characters, the deepest body a webhook event a dozen levels), small enough that
 * class-transformer's and class-validator's recursion and per-value work stay cheap.
 */
export const INPUT_LIMITS = {
  depth: 32,
  arrayLength: 1000,
  stringLength: 32_768,
  /** Values (objects, arrays, scalars) in one body or query, keys included. */
  values: 10_000,
} as const;

export interface InputViolation {
  /** Dotted path of the offending value (`$` is the root). */
  field: string;
  message: string;
}

interface Node {
  value: unknown;
  depth: number;
  key: string | number;
  parent: Node | null;
}

/**
 * The first limit `input` breaks, or null. Iterative (an explicit stack) so a hostile depth costs
 * no call stack; it counts children before visiting them and stops at the first violation, so a
 * 100 kB hostile body is walked no further than its first 32 levels or 10,000 values.
 */
export function findInputViolation(
  input: unknown,
  limits: typeof INPUT_LIMITS = INPUT_LIMITS,
): InputViolation | null {
  const stack: Node[] = [{ value: input, depth: 0, key: '$', parent: null }];
  let budget = limits.values;
  while (stack.length > 0) {
    const node = stack.pop() as Node;
    const { value, depth } = node;
    if (typeof value === 'string') {
      if (value.length > limits.stringLength)
        return violation(node, `strings must be at most ${limits.stringLength} characters long`);
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= limits.depth)
      return violation(node, `input must nest at most ${limits.depth} levels deep`);
    const isArray = Array.isArray(value);
    const keys = isArray ? null : Object.keys(value);
    const size = isArray ? value.length : (keys as string[]).length;
    if (isArray && size > limits.arrayLength)
      return violation(node, `arrays must have at most ${limits.arrayLength} items`);
    budget -= size;
    if (budget < 0) return violation(node, `input must have at most ${limits.values} values`);
    for (let i = size - 1; i >= 0; i--) {
      const key = isArray ? i : (keys as string[])[i];
      if (typeof key === 'string' && key.length > limits.stringLength)
        return violation(node, `keys must be at most ${limits.stringLength} characters long`);
      const child = (value as Record<string | number, unknown>)[key];
      stack.push({ value: child, depth: depth + 1, key, parent: node });
    }
  }
  return null;
}

/** `a.b[2].c`, each key cut to 40 characters (hostile keys are long). */
function violation(node: Node, message: string): InputViolation {
  const parts: string[] = [];
  for (let at: Node | null = node; at?.parent; at = at.parent) {
    parts.push(typeof at.key === 'number' ? `[${at.key}]` : `.${at.key.slice(0, 40)}`);
  }
  const field = parts.reverse().join('').replace(/^\./, '');
  return { field: field || '$', message };
}

/**
 * Express middleware after the body parsers: rejects a body or query string beyond INPUT_LIMITS
 * with a 400 problem before any guard, interceptor or pipe (class-transformer overflows its stack
 * on ~1,500 levels, which used to answer 500).
 */
export function inputLimits() {
  return (req: Request, _res: Response, next: NextFunction): void => {
    const violation =
      findInputViolation(req.body, INPUT_LIMITS) ?? findInputViolation(req.query, INPUT_LIMITS);
    if (!violation) return next();
    next(
      new ProblemException({
        status: 400,
        slug: 'input-too-complex',
        detail: 'The request is nested too deeply or too large in one part; see errors.',
        errors: [violation],
      }),
    );
  };
}
