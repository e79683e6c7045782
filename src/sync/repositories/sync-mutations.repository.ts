import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { MutationResult } from '../domain/sync-views.js';

/** Every query of `sync_mutations`: the stored result of each applied mutation, by its id. */
@Injectable()
export class SyncMutationsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Stored results among `ids` (the caller holds the user's head: no concurrent batch). */
  async findResults(
    manager: EntityManager,
    userId: string,
    ids: string[],
  ): Promise<Map<string, MutationResult>> {
    const rows = (await manager.query(
      `SELECT mutation_id, result FROM sync_mutations
        WHERE user_id = $1 AND mutation_id = ANY($2::varchar[])`,
      [userId, ids],
    )) as Array<{ mutation_id: string; result: MutationResult }>;
    return new Map(rows.map((row) => [row.mutation_id, row.result]));
  }

  async insertResults(
    manager: EntityManager,
    userId: string,
    clientId: string,
    results: MutationResult[],
    at: Date,
  ): Promise<void> {
    if (results.length === 0) return;
    await manager.query(
      `INSERT INTO sync_mutations (user_id, mutation_id, client_id, result, created_at)
       SELECT $1, r.id, $2, r.result, $4
         FROM unnest($3::varchar[], $5::jsonb[]) AS r(id, result)`,
      [
        userId,
        clientId,
        results.map((result) => result.id),
        at,
        results.map((result) => JSON.stringify(result)),
      ],
    );
  }

  /** Deletes up to `limit` results stored before `before`; returns how many. */
  async prune(before: Date, limit: number): Promise<number> {
    const [, count] = (await this.dataSource.query(
      `DELETE FROM sync_mutations WHERE (user_id, mutation_id) IN (
         SELECT user_id, mutation_id FROM sync_mutations WHERE created_at < $1 LIMIT $2)`,
      [before, limit],
    )) as [unknown, number];
    return count;
  }
}
