import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { DomainError } from '../errors/domain-error.js';
import { isUuid } from '../uuid.js';

/**
 * The one paginator: a keyset over (created_at, id), newest first, behind an opaque cursor. The
 * timestamp travels as PostgreSQL's own microsecond text so a page boundary never skips or
 * repeats a row (a JS Date keeps only ms).
 */
export interface KeysetCursor {
  createdAt: string;
  id: string;
}

export interface PageRequest {
  limit: number;
  cursor?: string;
}

/** One page of a list; controllers map it to `{ data, nextCursor }`. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export function encodeCursor(cursor: KeysetCursor): string {
  return Buffer.from(JSON.stringify([cursor.createdAt, cursor.id]), 'utf8').toString('base64url');
}

const PG_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

export const invalidCursor = (): DomainError =>
  new DomainError({
    kind: 'invalid',
    code: 'invalid-cursor',
    detail: 'The cursor is not one this API returned.',
    fields: [{ field: 'cursor', message: 'cursor is invalid' }],
  });

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
      isUuid(parsed[1])
    ) {
      return { createdAt: parsed[0], id: parsed[1] };
    }
  } catch {
    // fall through to the error below
  }
  throw invalidCursor();
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

/**
 * Cuts `limit + 1` rows fetched newest first into a page: the extra row only says there is more.
 */
export function toPage<R>(rows: R[], limit: number, cursorOf: (row: R) => KeysetCursor): Page<R> {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return {
    items,
    nextCursor: rows.length > limit && last ? encodeCursor(cursorOf(last)) : null,
  };
}

/**
 * Runs a query builder (filters already applied) as one keyset page of its entities, newest
 * first. `alias` is the builder's main alias, whose table has `created_at` and `id` columns.
 */
export async function keysetPage<T extends ObjectLiteral & { id: string }>(
  query: SelectQueryBuilder<T>,
  alias: string,
  request: PageRequest,
): Promise<Page<T>> {
  const cursor = decodeCursor(request.cursor);
  query
    .addSelect(cursorTimestampSql(alias), 'cursor_ts')
    .orderBy(`${alias}.created_at`, 'DESC')
    .addOrderBy(`${alias}.id`, 'DESC')
    .limit(request.limit + 1);
  if (cursor) {
    query.andWhere(
      `(${alias}.created_at, ${alias}.id) < (:cursorTs::timestamptz, :cursorId::uuid)`,
      {
        cursorTs: cursor.createdAt,
        cursorId: cursor.id,
      },
    );
  }
  const { entities, raw } = await query.getRawAndEntities<Record<string, string>>();
  const positions = new Map(raw.map((r) => [r[`${alias}_id`], r.cursor_ts]));
  return toPage(entities, request.limit, (e) => ({
    createdAt: positions.get(e.id) ?? '',
    id: e.id,
  }));
}
