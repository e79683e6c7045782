/**
 * The sync routes of the raw baseline: the same SQL statements as the app's sync repositories
 * (src/sync/repositories/), in the same order and transaction, with node:http and pg only.
 *
 * PUT /sync/documents/:collection/:key   BEGIN; lock the head (INSERT … ON CONFLICT … RETURNING);
 *                                        read the document; upsert it and advance the head (one
 *                                        statement); COMMIT; then one PUBLISH of the `sync`
 *                                        event, as the app does.
 * GET /sync/changes?since=&limit=        the page (seq > cursor, LIMIT n + 1, the time as ISO
 *                                        text), then purged_seq.
 */
import type { IncomingMessage } from 'node:http';
import type { Redis } from 'ioredis';
import type pg from 'pg';

export type Reply = [status: number, body: string, headers?: Record<string, string>];

interface ChangeRow {
  collection: string;
  key: string;
  rev: number;
  seq: string;
  value: unknown;
  deleted: boolean;
  updatedAt: string;
}

interface DocumentRow {
  collection: string;
  key: string;
  rev: number;
  seq: string;
  value: unknown;
  size: number;
  deleted_at: Date | null;
  updated_at: Date;
}

const COLUMNS = 'collection, key, rev, seq, value, size, deleted_at, updated_at';
const DOCUMENT_PATH = /^\/sync\/documents\/([a-z0-9_-]{1,64})\/([A-Za-z0-9._~-]{1,128})$/;
const MAX_VALUE_BYTES = 64 * 1024;

const problem = (status: number): Reply => [status, JSON.stringify({ status })];

export class SyncBaseline {
  constructor(
    private readonly pool: pg.Pool,
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async handle(req: IncomingMessage, path: string, userId: string): Promise<Reply> {
    if (req.method === 'GET' && path === '/sync/changes') return this.changes(req, userId);
    const match = DOCUMENT_PATH.exec(path);
    if (req.method === 'PUT' && match?.[1] && match[2]) {
      return this.put(userId, match[1], match[2], await readBody(req));
    }
    return problem(404);
  }

  private async put(userId: string, collection: string, key: string, body: string): Promise<Reply> {
    let value: unknown;
    try {
      value = (JSON.parse(body) as { value?: unknown }).value;
    } catch {
      return problem(400);
    }
    const json = JSON.stringify(value);
    if (value === undefined || value === null || json === 'null') return problem(400);
    const size = Buffer.byteLength(json, 'utf8');
    if (size > MAX_VALUE_BYTES) return problem(413);
    const at = new Date();
    const client = await this.pool.connect();
    let rev: number;
    let seq: number;
    try {
      await client.query('BEGIN');
      const head = await client.query<{ seq: string; documents: number; bytes: string }>({
        name: 'sync-lock',
        text: `INSERT INTO sync_heads (user_id) VALUES ($1)
               ON CONFLICT (user_id) DO UPDATE SET seq = sync_heads.seq
               RETURNING seq, purged_seq, documents, bytes`,
        values: [userId],
      });
      const { rows } = await client.query<DocumentRow>({
        name: 'sync-find',
        text: `SELECT ${COLUMNS} FROM sync_documents
                WHERE user_id = $1
                  AND (collection, key) IN (SELECT * FROM unnest($2::varchar[], $3::varchar[]))`,
        values: [userId, [collection], [key]],
      });
      const current = rows[0];
      const live = current !== undefined && current.deleted_at === null;
      const totals = head.rows[0] ?? { seq: '0', documents: 0, bytes: '0' };
      seq = Number(totals.seq) + 1;
      rev = (current?.rev ?? 0) + 1;
      const documents = totals.documents + (live ? 0 : 1);
      const bytes = Number(totals.bytes) + size - (live ? current.size : 0);
      await client.query({
        name: 'sync-upsert',
        text: `WITH head AS (
                 UPDATE sync_heads SET seq = $5, documents = $9, bytes = $10, updated_at = $8
                  WHERE user_id = $1
               )
               INSERT INTO sync_documents
                 (user_id, collection, key, rev, seq, value, size, deleted_at, created_at, updated_at)
               VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, CASE WHEN $6::jsonb IS NULL THEN $8::timestamptz END, $8, $8)
               ON CONFLICT (user_id, collection, key) DO UPDATE SET
                 rev = EXCLUDED.rev, seq = EXCLUDED.seq, value = EXCLUDED.value, size = EXCLUDED.size,
                 deleted_at = EXCLUDED.deleted_at, updated_at = EXCLUDED.updated_at`,
        values: [userId, collection, key, rev, seq, json, size, at, documents, bytes],
      });
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
    const cursor = changeCursor(seq);
    const event = JSON.stringify({ id: null, event: 'sync', data: JSON.stringify({ cursor }) });
    await this.redis.publish(`${this.prefix}:notif:events:${userId}`, event).catch(() => 0);
    const document = { collection, key, rev, value, updatedAt: at.toISOString() };
    return [200, JSON.stringify(document), { ETag: `"${rev}"` }];
  }

  private async changes(req: IncomingMessage, userId: string): Promise<Reply> {
    const query = new URL(req.url ?? '/', 'http://x').searchParams;
    const limit = Number(query.get('limit') ?? 100);
    const sinceText = query.get('since');
    const since = sinceText === null ? 0 : parseCursor(sinceText);
    if (since === null || !Number.isInteger(limit) || limit < 1 || limit > 1000)
      return problem(400);
    const { rows } = await this.pool.query<ChangeRow>({
      name: 'sync-changes',
      text: `SELECT collection, key, rev, seq, value, deleted_at IS NOT NULL AS deleted,
                    to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "updatedAt"
               FROM sync_documents
              WHERE user_id = $1 AND seq > $2
              ORDER BY seq LIMIT $3`,
      values: [userId, since, limit + 1],
    });
    if (since > 0) {
      const head = await this.pool.query<{ purged_seq: string }>({
        name: 'sync-purged',
        text: `SELECT purged_seq FROM sync_heads WHERE user_id = $1`,
        values: [userId],
      });
      if (since < Number(head.rows[0]?.purged_seq ?? 0)) return problem(410);
    }
    const page = rows.slice(0, limit);
    const changes = page.map((row) => ({
      collection: row.collection,
      key: row.key,
      rev: row.rev,
      value: row.value,
      deleted: row.deleted,
      updatedAt: row.updatedAt,
    }));
    const last = page.at(-1);
    const cursor = changeCursor(last ? Number(last.seq) : since);
    return [200, JSON.stringify({ changes, cursor, hasMore: rows.length > limit })];
  }
}

/** The app's cursor format (src/sync/domain/cursors.ts). */
export function changeCursor(seq: number): string {
  return Buffer.from(`s1:${seq}`, 'utf8').toString('base64url');
}

function parseCursor(raw: string): number | null {
  const text = Buffer.from(raw, 'base64url').toString('utf8');
  const match = /^s1:(0|[1-9]\d{0,15})$/.exec(text);
  return match ? Number(match[1]) : null;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
