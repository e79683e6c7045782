import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { keysetPage, type Page, type PageRequest } from '../../common/pagination/keyset.js';
import type { FileStatus, StoredFile } from '../entities/stored-file.entity.js';
import { StoredFile as StoredFileEntity } from '../entities/stored-file.entity.js';

export type FileInsert = Pick<
  StoredFile,
  'id' | 'ownerId' | 'purpose' | 'filename' | 'contentType' | 'size' | 'storageKey'
>;

export interface FileUsage {
  count: number;
  bytes: number;
}

export interface CompletionOutcome {
  status: Exclude<FileStatus, 'pending'>;
  rejectionReason: string | null;
  completedAt: Date;
  /** Where the checked bytes now are (a key no client has an upload URL for). */
  storageKey?: string;
}

/** Files a quota counts: everything but rejected uploads (their objects are being deleted). */
const COUNTED = `status IN ('pending', 'processing', 'ready')`;

/** Every query of `files` (and the avatar columns of `users` that point at a file). */
@Injectable()
export class FilesRepository {
  constructor(private readonly dataSource: DataSource) {}

  findById(id: string): Promise<StoredFile | null> {
    return this.dataSource.getRepository(StoredFileEntity).findOneBy({ id });
  }

  /**
   * Serialises a user's file creations until the transaction ends: the quota is checked and the
   * avatar rule applied on a view no concurrent creation or avatar choice changes.
   */
  async lockOwner(manager: EntityManager, ownerId: string): Promise<void> {
    await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [
      `files:owner:${ownerId}`,
    ]);
  }

  async usage(manager: EntityManager, ownerId: string): Promise<FileUsage> {
    const rows: Array<{ count: string; bytes: string }> = await manager.query(
      `SELECT count(*) AS count, coalesce(sum(size), 0) AS bytes FROM files
        WHERE owner_id = $1 AND ${COUNTED}`,
      [ownerId],
    );
    return { count: Number(rows[0]?.count ?? 0), bytes: Number(rows[0]?.bytes ?? 0) };
  }

  /**
   * Deletes the owner's avatar files other than the one their profile shows (and other than
   * `keep`), returning them: the caller publishes their object keys for deletion.
   */
  async deleteSpareAvatars(manager: EntityManager, ownerId: string): Promise<StoredFile[]> {
    const spare = await manager
      .getRepository(StoredFileEntity)
      .createQueryBuilder('f')
      .where('f.owner_id = :ownerId AND f.purpose = :avatar', { ownerId, avatar: 'avatar' })
      .andWhere(
        'f.id IS DISTINCT FROM (SELECT u.avatar_file_id FROM users u WHERE u.id = :ownerId)',
      )
      .setLock('pessimistic_write')
      .getMany();
    if (spare.length > 0) {
      await manager.delete(
        StoredFileEntity,
        spare.map((f) => f.id),
      );
    }
    return spare;
  }

  async insert(manager: EntityManager, file: FileInsert): Promise<StoredFile> {
    const row = manager.create(StoredFileEntity, file);
    await manager.save(row);
    return row;
  }

  /**
   * Moves a pending file to its checked outcome, only if it is still pending: of two concurrent
   * completes exactly one gets the row back (and publishes its events), the other gets null.
   */
  async settlePending(
    manager: EntityManager,
    id: string,
    outcome: CompletionOutcome,
  ): Promise<boolean> {
    const result = await manager
      .createQueryBuilder()
      .update(StoredFileEntity)
      .set(outcome)
      .where('id = :id AND status = :pending', { id, pending: 'pending' })
      .execute();
    return (result.affected ?? 0) === 1;
  }

  /** Deletes the row (and points the owner's avatar away from it); the deleted row, or null. */
  async delete(manager: EntityManager, id: string): Promise<StoredFile | null> {
    const row = await manager.findOne(StoredFileEntity, {
      where: { id },
      lock: { mode: 'pessimistic_write' },
    });
    if (!row) return null;
    await manager.delete(StoredFileEntity, { id });
    await manager.query(
      `UPDATE users SET avatar_file_id = NULL, avatar_key = NULL
        WHERE id = $1 AND avatar_file_id = $2`,
      [row.ownerId, id],
    );
    return row;
  }

  listByOwner(ownerId: string, page: PageRequest): Promise<Page<StoredFile>> {
    const query = this.dataSource
      .getRepository(StoredFileEntity)
      .createQueryBuilder('f')
      .where('f.owner_id = :ownerId', { ownerId });
    return keysetPage(query, 'f', page);
  }
}
