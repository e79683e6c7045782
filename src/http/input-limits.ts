import type { NextFunction, Request, Response } from 'express';
import { ProblemException } from './problem.exception.js';

/**
 * Bounds on the shape of input. Generous for every real request (the longest DTO string is 5,000
 * characters, no DTO has 30 fields, a provider's webhook event has a few hundred keys and a dozen
 * levels), tight enough that parsing, class-transformer and class-validator stay cheap: V8's
 * JSON.parse costs ~80 ms on 100 kB of `[[[…]]]` and ~1.2 µs per distinct object key
 * (30 ms for 10,000), against ~1 ms for any 100 kB body within these limits.
 */
export const INPUT_LIMITS = {
  depth: 32,
  arrayLength: 1000,
  /** Object members in the whole body or query (distinct keys are what JSON.parse pays for). */
  keys: 1000,
  /** Values (objects, arrays, scalars) in the whole body or query. */
  values: 10_000,
  stringLength: 32_768,
} as const;

export type InputLimits = { readonly [K in keyof typeof INPUT_LIMITS]: number };
type Limits = InputLimits;

export interface InputViolation {
  /** Dotted path of the offending value (`$` is the root). */
  field: string;
  message: string;
  /** Set when the value is not text PostgreSQL can store, rather than too large. */
  invalidText?: true;
}

/**
 * NUL (PostgreSQL text and jsonb cannot hold it: the query failed with a 500) and lone surrogates
 * (not Unicode; with `u`, a well-formed pair is one code point and does not match).
 */
const INVALID_TEXT = /\0|\p{Cs}/u;
const INVALID_TEXT_MESSAGE = 'must be valid Unicode text without NUL characters';

export const LIMIT_MESSAGES = {
  depth: (l: Limits) => `must nest at most ${l.depth} levels deep`,
  arrayLength: (l: Limits) => `arrays must have at most ${l.arrayLength} items`,
  keys: (l: Limits) => `must have at most ${l.keys} object members in all`,
  values: (l: Limits) => `must have at most ${l.values} values in all`,
  stringLength: (l: Limits) => `strings must be at most ${l.stringLength} characters long`,
};

interface Node {
  value: unknown;
  depth: number;
  key: string | number;
  parent: Node | null;
}

/**
 * The first limit parsed `input` (a body, a query object) breaks, or null. Iterative (an explicit
 * stack) so a hostile depth costs no call stack; it counts children before visiting them and
 * stops at the first violation.
 */
export function findInputViolation(
  input: unknown,
  limits: Limits = INPUT_LIMITS,
): InputViolation | null {
  // Most requests (reads) have no body and an empty query: answer those without allocating.
  if (typeof input !== 'object' || input === null) {
    if (typeof input !== 'string') return null;
  } else if (isEmpty(input)) return null;
  const stack: Node[] = [{ value: input, depth: 0, key: '$', parent: null }];
  let values = limits.values;
  let keys = limits.keys;
  while (stack.length > 0) {
    const node = stack.pop() as Node;
    const { value, depth } = node;
    if (typeof value === 'string') {
      if (value.length > limits.stringLength)
        return violation(node, LIMIT_MESSAGES.stringLength(limits));
      if (INVALID_TEXT.test(value)) return invalidText(node);
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= limits.depth) return violation(node, `input ${LIMIT_MESSAGES.depth(limits)}`);
    const names = Array.isArray(value) ? null : Object.keys(value);
    const size = names ? names.length : (value as unknown[]).length;
    if (!names && size > limits.arrayLength)
      return violation(node, LIMIT_MESSAGES.arrayLength(limits));
    if (names && (keys -= size) < 0) return violation(node, `input ${LIMIT_MESSAGES.keys(limits)}`);
    if ((values -= size) < 0) return violation(node, `input ${LIMIT_MESSAGES.values(limits)}`);
    for (let i = size - 1; i >= 0; i--) {
      const key = names ? (names[i] as string) : i;
      if (typeof key === 'string' && key.length > limits.stringLength)
        return violation(node, LIMIT_MESSAGES.stringLength(limits));
      if (typeof key === 'string' && INVALID_TEXT.test(key)) return invalidText(node);
      const child = (value as Record<string | number, unknown>)[key];
      stack.push({ value: child, depth: depth + 1, key, parent: node });
    }
  }
  return null;
}

function isEmpty(value: object): boolean {
  for (const _ in value) return false;
  return true;
}

function invalidText(node: Node): InputViolation {
  return { ...violation(node, INVALID_TEXT_MESSAGE), invalidText: true };
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
 * with a 400 problem before any guard, interceptor or pipe (class-transformer overflowed its
 * stack on ~1,500 levels, which answered 500). JSON bodies were already screened by
 * scanJsonShape; this also covers form bodies, query strings and string lengths.
 */
export function inputLimits(limitsFor: (req: Request) => Limits = () => INPUT_LIMITS) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    if (!wellEncodedQuery(req.originalUrl)) {
      return next(
        new ProblemException({
          status: 400,
          slug: 'malformed-query',
          detail: 'The query string is not valid percent-encoded UTF-8.',
        }),
      );
    }
    const limits = limitsFor(req);
    const violation = findInputViolation(req.body, limits) ?? findInputViolation(req.query, limits);
    if (!violation) return next();
    const { field, message, invalidText } = violation;
    next(
      new ProblemException({
        status: 400,
        ...(invalidText
          ? { slug: 'invalid-text', detail: 'Part of the request is not valid text; see errors.' }
          : {
              slug: 'input-too-complex',
              detail: 'The request is nested too deeply or too large in one part; see errors.',
            }),
        errors: [{ field, message }],
      }),
    );
  };
}

/**
 * Node's querystring falls back to a Latin-1 reading of a sequence that is not UTF-8 (`%ED%A0%80`,
 * a lone surrogate), so such a value would reach validation as different text than was sent.
 */
function wellEncodedQuery(url: string): boolean {
  const start = url.indexOf('?');
  if (start < 0) return true;
  try {
    decodeURIComponent(url.slice(start + 1));
    return true;
  } catch {
    return false;
  }
}

/** What scanJsonShape throws: body-parser passes it on, the problem filter makes it a 400. */
export class JsonShapeError extends Error {
  readonly status = 400;
  readonly type = 'entity.too.complex';

  /** Set when the limits were a route's own, not INPUT_LIMITS: the problem names them. */
  constructor(
    message: string,
    readonly detail?: string,
  ) {
    super(message);
  }
}

const OPEN_ARRAY = 0x5b;
const OPEN_OBJECT = 0x7b;
const CLOSE_ARRAY = 0x5d;
const CLOSE_OBJECT = 0x7d;
const COMMA = 0x2c;
const COLON = 0x3a;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Checks raw JSON bytes against INPUT_LIMITS before JSON.parse spends time on them (body-parser's
 * `verify` hook). One pass, string contents skipped with a native search, no allocation beyond
 * one small array per nesting level; malformed JSON is left to the parser to refuse.
 */
export function scanJsonShape(body: Buffer, limits: Limits = INPUT_LIMITS): void {
  const fail = (message: string): never => {
    const text = `The JSON body ${message}.`;
    throw new JsonShapeError(text, limits === INPUT_LIMITS ? undefined : text);
  };
  // Items seen in each open array (commas; -1 for an object), by depth.
  const items: number[] = [0];
  let depth = 0;
  let values = 0;
  let keys = 0;
  for (let i = 0; i < body.length; i++) {
    switch (body[i]) {
      case QUOTE:
        i = closingQuote(body, i);
        break;
      case OPEN_ARRAY:
      case OPEN_OBJECT:
        if (++depth > limits.depth) fail(LIMIT_MESSAGES.depth(limits));
        items[depth] = body[i] === OPEN_ARRAY ? 0 : -1;
        break;
      case CLOSE_ARRAY:
      case CLOSE_OBJECT:
        depth = Math.max(0, depth - 1);
        break;
      case COLON:
        if (++keys > limits.keys) fail(LIMIT_MESSAGES.keys(limits));
        break;
      case COMMA: {
        if (++values > limits.values) fail(LIMIT_MESSAGES.values(limits));
        const seen = items[depth] ?? -1;
        if (seen >= 0 && (items[depth] = seen + 1) >= limits.arrayLength)
          fail(`has an array of more than ${limits.arrayLength} items`);
        break;
      }
    }
  }
}

/** Index of the quote closing the string opened at `open` (the end if unterminated). */
function closingQuote(body: Buffer, open: number): number {
  let at = open;
  for (;;) {
    at = body.indexOf(QUOTE, at + 1);
    if (at < 0) return body.length;
    let backslashes = 0;
    while (body[at - 1 - backslashes] === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return at;
  }
}
