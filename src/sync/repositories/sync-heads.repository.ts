import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { PreparedStatements, statement } from '../../database/prepared-statements.js';
import type { SyncUsage } from '../domain/sync-views.js';

/** The locked head of a user's sync state: the last seq handed out and the live totals. */
export interface HeadState {
  seq: number;
  purgedSeq: number;
  documents: number;
  bytes: number;
}

const LOCK = statement(
  'sync-heads-lock',
  `INSERT INTO sync_heads (user_id) VALUES ($1)
   ON CONFLICT (user_id) DO UPDATE SET seq = sync_heads.seq
   RETURNING seq, purged_seq, documents, bytes`,
);
const PURGED_SEQ = statement(
  'sync-heads-purged-seq',
  `SELECT purged_seq FROM sync_heads WHERE user_id = $1`,
);

interface HeadRow {
  seq: string;
  purged_seq: string;
  documents: number;
  bytes: string;
}

/**
 * Every query of `sync_heads` but the advance, which rides in SyncDocumentsRepository.upsert (one
 * round trip per change). `lock` is the one serialisation point of a user's writers: the
 * row lock it takes is held until the caller's transaction ends, so sequence numbers are handed
 * out and committed in order.
 */
@Injectable()
export class SyncHeadsRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly sql: PreparedStatements,
  ) {}

  /** Creates the head on a user's first write; either way returns it locked (FOR UPDATE). */
  async lock(manager: EntityManager, userId: string): Promise<HeadState> {
    const [row] = await this.sql.rows<HeadRow>(LOCK, [userId], manager);
    return toHead(row as HeadRow);
  }

  /** The highest seq of a purged tombstone (0 for a user who never synced). */
  async purgedSeq(userId: string): Promise<number> {
    const [row] = await this.sql.rows<{ purged_seq: string }>(PURGED_SEQ, [userId]);
    return row ? Number(row.purged_seq) : 0;
  }

  async usage(userId: string): Promise<SyncUsage> {
    const [row] = (await this.dataSource.query(
      `SELECT h.documents, h.bytes,
              (SELECT count(*) FROM sync_documents d
                WHERE d.user_id = h.user_id AND d.deleted_at IS NOT NULL) AS tombstones
         FROM sync_heads h WHERE h.user_id = $1`,
      [userId],
    )) as Array<{ documents: number; bytes: string; tombstones: string }>;
    if (!row) return { documents: 0, bytes: 0, tombstones: 0 };
    return {
      documents: row.documents,
      bytes: Number(row.bytes),
      tombstones: Number(row.tombstones),
    };
  }

  /** Locks the heads of these users, in one order (so two lockers never deadlock). */
  async lockMany(manager: EntityManager, userIds: string[]): Promise<void> {
    await manager.query(
      `SELECT user_id FROM sync_heads WHERE user_id = ANY($1::uuid[]) ORDER BY user_id FOR UPDATE`,
      [userIds],
    );
  }

  /** Raises purged_seq of each user to the highest seq among their purged tombstones. */
  async raisePurged(manager: EntityManager, purged: Map<string, number>): Promise<void> {
    if (purged.size === 0) return;
    await manager.query(
      `UPDATE sync_heads h SET purged_seq = GREATEST(h.purged_seq, p.seq)
         FROM unnest($1::uuid[], $2::bigint[]) AS p(user_id, seq)
        WHERE h.user_id = p.user_id`,
      [[...purged.keys()], [...purged.values()]],
    );
  }

  /** Everything sync keeps for the user (documents and mutations go with the head: cascade). */
  async erase(userId: string): Promise<number> {
    const [, count] = (await this.dataSource.query(`DELETE FROM sync_heads WHERE user_id = $1`, [
      userId,
    ])) as [unknown, number];
    return count;
  }
}

function toHead(row: HeadRow): HeadState {
  return {
    seq: Number(row.seq),
    purgedSeq: Number(row.purged_seq),
    documents: row.documents,
    bytes: Number(row.bytes),
  };
}
