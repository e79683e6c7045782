import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { PreparedStatements, statement } from '../../database/prepared-statements.js';
import type { Totals } from '../domain/limits.js';
import type { FeedChange, StoredDocument, SyncDocumentView } from '../domain/sync-views.js';

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
const FEED_COLUMNS = `collection, key, rev, seq, value, deleted_at IS NOT NULL AS deleted,
  to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "updatedAt"`;

const FIND_MANY = statement(
  'sync-documents-find-many',
  `SELECT ${COLUMNS} FROM sync_documents
    WHERE user_id = $1
      AND (collection, key) IN (SELECT * FROM unnest($2::varchar[], $3::varchar[]))`,
);
const FIND_LIVE = statement(
  'sync-documents-find-live',
  `SELECT ${COLUMNS} FROM sync_documents
    WHERE user_id = $1 AND collection = $2 AND key = $3 AND deleted_at IS NULL`,
);
const LIST_LIVE = statement(
  'sync-documents-list-live',
  `SELECT ${COLUMNS} FROM sync_documents
    WHERE user_id = $1 AND collection = $2 AND deleted_at IS NULL
      AND ($3::varchar IS NULL OR key > $3)
    ORDER BY key LIMIT $4`,
);
const FEED = statement(
  'sync-documents-feed',
  `SELECT ${FEED_COLUMNS} FROM sync_documents
    WHERE user_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
);
const FEED_OF_COLLECTIONS = statement(
  'sync-documents-feed-of-collections',
  `SELECT ${FEED_COLUMNS} FROM sync_documents
    WHERE user_id = $1 AND seq > $2 AND collection = ANY($4::varchar[]) ORDER BY seq LIMIT $3`,
);
const UPSERT = statement(
  'sync-documents-upsert',
  `WITH head AS (
     UPDATE sync_heads SET seq = $5, documents = $9, bytes = $10, updated_at = $8
      WHERE user_id = $1
   )
   INSERT INTO sync_documents
     (user_id, collection, key, rev, seq, value, size, deleted_at, created_at, updated_at)
   VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, CASE WHEN $6::jsonb IS NULL THEN $8::timestamptz END, $8, $8)
   ON CONFLICT (user_id, collection, key) DO UPDATE SET
     rev = EXCLUDED.rev, seq = EXCLUDED.seq, value = EXCLUDED.value, size = EXCLUDED.size,
     deleted_at = EXCLUDED.deleted_at, updated_at = EXCLUDED.updated_at`,
);

/** A write decided by the service: the row's next state. */
export interface DocumentWrite {
  collection: string;
  key: string;
  rev: number;
  seq: number;
  /** JSON text of the value; null for a tombstone. */
  json: string | null;
  size: number;
  at: Date;
}

/**
 * Every query of `sync_documents` (an upsert also stores the head it advances, in the same
 * statement). Writes run in the caller's transaction, which holds the user's head locked: the
 * reads before them cannot go stale.
 */
@Injectable()
export class SyncDocumentsRepository {
  constructor(private readonly sql: PreparedStatements) {}

  /** The rows (live or tombstone) of these documents, one query. */
  async findMany(
    manager: EntityManager,
    userId: string,
    ids: Array<{ collection: string; key: string }>,
  ): Promise<StoredDocument[]> {
    const rows = await this.sql.rows<DocumentRow>(
      FIND_MANY,
      [userId, ids.map((id) => id.collection), ids.map((id) => id.key)],
      manager,
    );
    return rows.map(toStored);
  }

  async findLive(
    userId: string,
    collection: string,
    key: string,
  ): Promise<SyncDocumentView | null> {
    const [row] = await this.sql.rows<DocumentRow>(FIND_LIVE, [userId, collection, key]);
    return row ? toStored(row) : null;
  }

  /** Live documents of a collection in key order after `afterKey`, `limit` of them. */
  async listLive(
    userId: string,
    collection: string,
    afterKey: string | null,
    limit: number,
  ): Promise<StoredDocument[]> {
    const rows = await this.sql.rows<DocumentRow>(LIST_LIVE, [userId, collection, afterKey, limit]);
    return rows.map(toStored);
  }

  /**
   * The change feed: each document whose latest change is after `afterSeq`, in seq order,
   * tombstones included. Commits happen in seq order (the head lock), so no later commit can
   * land below a seq this returns. The rows come in the answer's shape: the time as ISO text
   * (as Date#toISOString writes it) and the tombstone flag are made by PostgreSQL, which spares
   * parsing two timestamps per row.
   */
  async changesAfter(
    userId: string,
    afterSeq: number,
    collections: string[],
    limit: number,
  ): Promise<FeedChange[]> {
    if (collections.length === 0) {
      return this.sql.rows<FeedChange>(FEED, [userId, afterSeq, limit]);
    }
    return this.sql.rows<FeedChange>(FEED_OF_COLLECTIONS, [userId, afterSeq, limit, collections]);
  }

  /**
   * Stores the row and, in the same statement, the head's new position and totals (the head is
   * locked by the caller's transaction): one round trip per change instead of a separate advance.
   */
  async upsert(
    manager: EntityManager,
    userId: string,
    write: DocumentWrite,
    totals: Totals,
  ): Promise<void> {
    await this.sql.rows(
      UPSERT,
      [
        userId,
        write.collection,
        write.key,
        write.rev,
        write.seq,
        write.json,
        write.size,
        write.at,
        totals.documents,
        totals.bytes,
      ],
      manager,
    );
  }

  /** Up to `limit` tombstones deleted before `before`. */
  async findExpiredTombstones(
    manager: EntityManager,
    before: Date,
    limit: number,
  ): Promise<Array<{ userId: string; collection: string; key: string }>> {
    const rows = (await manager.query(
      `SELECT user_id, collection, key FROM sync_documents WHERE deleted_at < $1 LIMIT $2`,
      [before, limit],
    )) as Array<{ user_id: string; collection: string; key: string }>;
    return rows.map((row) => ({ userId: row.user_id, collection: row.collection, key: row.key }));
  }

  /**
   * Deletes these tombstones if still deleted before `before` (one put back since stays);
   * returns the highest deleted seq of each user.
   */
  async deleteTombstones(
    manager: EntityManager,
    ids: Array<{ userId: string; collection: string; key: string }>,
    before: Date,
  ): Promise<Map<string, number>> {
    const [rows] = (await manager.query(
      `DELETE FROM sync_documents d
        USING unnest($1::uuid[], $2::varchar[], $3::varchar[]) AS t(user_id, collection, key)
        WHERE d.user_id = t.user_id AND d.collection = t.collection AND d.key = t.key
          AND d.deleted_at < $4
       RETURNING d.user_id, d.seq`,
      [ids.map((id) => id.userId), ids.map((id) => id.collection), ids.map((id) => id.key), before],
    )) as [Array<{ user_id: string; seq: string }>, number];
    const purged = new Map<string, number>();
    for (const row of rows) {
      purged.set(row.user_id, Math.max(purged.get(row.user_id) ?? 0, Number(row.seq)));
    }
    return purged;
  }
}

function toStored(row: DocumentRow): StoredDocument {
  return {
    collection: row.collection,
    key: row.key,
    rev: row.rev,
    seq: Number(row.seq),
    value: row.value,
    size: row.size,
    deleted: row.deleted_at !== null,
    updatedAt: row.updated_at,
  };
}
