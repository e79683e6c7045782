/** A backing service the app cannot answer without. */
export type Dependency = 'database' | 'redis';

/**
 * SQLSTATEs that mean "the database is not there or not serving", not "the query is wrong":
 * class 08 (connection exception), shutdown/recovery (57P01–57P03), too many connections (53300),
 * and 57014, a statement cancelled by statement_timeout.
 */
const PG_UNAVAILABLE_STATES = new Set([
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  '53300',
  '57014',
  '57P01',
  '57P02',
  '57P03',
]);

/** Socket errors of node-postgres (ioredis reports its own, see REDIS_MESSAGES). */
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

const PG_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Query read timeout',
  'Client has encountered a connection error and is not queryable',
];

/** What ioredis (and rate-limiter-flexible over it) reject commands with while Redis is away. */
const REDIS_MESSAGES = [
  "Stream isn't writeable",
  'Command timed out',
  'Connection is closed',
  'Reached the max retries per request limit',
  'Redis connection is not ready',
];

/** Thrown where the code itself knows a dependency is away (e.g. a Redis client not ready). */
export class DependencyUnavailableError extends Error {
  constructor(
    readonly dependency: Dependency,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DependencyUnavailableError';
  }
}

/**
 * Which dependency an error says is unavailable, or null for anything else (a bug, a bad query,
 * a constraint): an outage is a 503 to retry, everything else keeps its own meaning.
 */
export function unavailableDependency(error: unknown): Dependency | null {
  for (let e = error, depth = 0; e && depth < 4; depth++) {
    if (e instanceof DependencyUnavailableError) return e.dependency;
    const { code, message, driverError, cause } = e as {
      code?: unknown;
      message?: unknown;
      driverError?: unknown;
      cause?: unknown;
    };
    const text = typeof message === 'string' ? message : '';
    if (REDIS_MESSAGES.some((m) => text.includes(m))) return 'redis';
    if (typeof code === 'string' && (PG_UNAVAILABLE_STATES.has(code) || SOCKET_CODES.has(code)))
      return 'database';
    if (PG_MESSAGES.some((m) => text.includes(m))) return 'database';
    // TypeORM keeps the driver's error; Nest and others keep theirs as `cause`.
    e = driverError ?? cause;
  }
  return null;
}
