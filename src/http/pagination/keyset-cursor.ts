import { ProblemException } from '../problem.exception.js';

/**
 * Keyset cursor over (created_at, id), newest first. The timestamp travels as PostgreSQL's own
 * microsecond text so a page boundary never skips or repeats a row (a JS Date keeps only ms).
 */
export interface KeysetCursor {
  createdAt: string;
  id: string;
}

export function encodeCursor(cursor: KeysetCursor): string {
  return Buffer.from(JSON.stringify([cursor.createdAt, cursor.id]), 'utf8').toString('base64url');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PG_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

export function decodeCursor(raw: string | undefined): KeysetCursor | null {
  if (raw === undefined) return null;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    if (
      Array.isArray(parsed) &&
      parsed.length === 2 &&
      typeof parsed[0] === 'string' &&
      typeof parsed[1] === 'string' &&
      PG_TIMESTAMP.test(parsed[0]) &&
      isRealTime(parsed[0]) &&
      UUID.test(parsed[1])
    ) {
      return { createdAt: parsed[0], id: parsed[1] };
    }
  } catch {
    // fall through to the 400 below
  }
  throw new ProblemException({
    status: 400,
    slug: 'invalid-cursor',
    detail: 'The cursor is not one this API returned.',
    errors: [{ field: 'cursor', message: 'cursor is invalid' }],
  });
}

/**
 * A time PostgreSQL will accept: the shape alone lets through month 99 or 30 February, which the
 * query then fails on (a 500). A real time prints back as itself; year 0 does not exist there.
 */
function isRealTime(text: string): boolean {
  const ms = Date.parse(text);
  if (Number.isNaN(ms) || text.startsWith('0000')) return false;
  return new Date(ms).toISOString().slice(0, 19) === text.slice(0, 19);
}

/** SQL selecting a row's created_at as cursor text (UTC, microseconds). */
export const cursorTimestampSql = (alias: string): string =>
  `to_char(${alias}.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
