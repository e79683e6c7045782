import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { keysetPage, type Page, type PageRequest } from '../../common/pagination/keyset.js';
import type { FileStatus, FileVariant, StoredFile } from '../entities/stored-file.entity.js';
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

export type ProcessedImage = Pick<StoredFile, 'storageKey' | 'size' | 'variants'>;

/** What leaves the table when files are deleted: the keys of their objects. */
export type DeletedFile = Pick<StoredFile, 'id' | 'ownerId' | 'storageKey' | 'variants'>;

/** Files a quota counts: everything but rejected uploads (their objects are being deleted). */
const COUNTED = `status IN ('pending', 'processing', 'ready')`;

/** The RETURNING list of a raw DELETE, read back by `toDeleted`. */
const DELETED_COLUMNS = 'id, owner_id, storage_key, variants';

interface DeletedRow {
  id: string;
  owner_id: string;
  storage_key: string;
  variants: FileVariant[];
}

const toDeleted = (r: DeletedRow): DeletedFile => ({
  id: r.id,
  ownerId: r.owner_id,
  storageKey: r.storage_key,
  variants: r.variants,
});

/** Every query of `files` (and the avatar columns of `users` that point at a file). */
@Injectable()
export class FilesRepository {
  constructor(private readonly dataSource: DataSource) {}

  findById(id: string): Promise<StoredFile | null> {
    return this.dataSource.getRepository(StoredFileEntity).findOneBy({ id });
  }

  listByOwner(ownerId: string, page: PageRequest): Promise<Page<StoredFile>> {
    const query = this.dataSource
      .getRepository(StoredFileEntity)
      .createQueryBuilder('f')
      .where('f.owner_id = :ownerId', { ownerId });
    return keysetPage(query, 'f', page);
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

  async insert(manager: EntityManager, file: FileInsert): Promise<StoredFile> {
    const row = manager.create(StoredFileEntity, file);
    await manager.save(row);
    return row;
  }

  /**
   * Moves a pending file to its checked outcome, only if it is still pending: of two concurrent
   * completes exactly one gets true (and publishes its events), the other gets false.
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

  /**
   * Claims a file waiting for processing for the caller's transaction: the row lock is held until
   * it commits, and a second worker asking at the same time skips the row instead of waiting, so
   * a file is processed by one worker once (a crash rolls back and releases the claim).
   */
  claimForProcessing(manager: EntityManager, id: string): Promise<StoredFile | null> {
    return manager
      .getRepository(StoredFileEntity)
      .createQueryBuilder('f')
      .setLock('pessimistic_write')
      .setOnLocked('skip_locked')
      .where('f.id = :id AND f.status = :status', { id, status: 'processing' })
      .getOne();
  }

  async markReady(manager: EntityManager, id: string, image: ProcessedImage): Promise<void> {
    await manager.update(
      StoredFileEntity,
      { id, status: 'processing' },
      { status: 'ready', ...image, rejectionReason: null },
    );
  }

  async markRejected(manager: EntityManager, id: string, reason: string): Promise<void> {
    await manager.update(
      StoredFileEntity,
      { id, status: 'processing' },
      { status: 'rejected', rejectionReason: reason, variants: [] },
    );
  }

  /** The owner's file under a share lock: it cannot be deleted before the caller commits. */
  findOwnedForShare(
    manager: EntityManager,
    ownerId: string,
    id: string,
  ): Promise<StoredFile | null> {
    return manager.getRepository(StoredFileEntity).findOne({
      where: { id, ownerId },
      lock: { mode: 'pessimistic_read' },
    });
  }

  /**
   * Deletes the owner's avatar files other than the one their profile shows, returning them: the
   * caller publishes their object keys for deletion.
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

  /**
   * Deletes up to `limit` uploads still pending since before `before`; rows another transaction
   * holds (a complete in flight) are skipped and looked at next time.
   */
  async deleteAbandoned(
    manager: EntityManager,
    before: Date,
    limit: number,
  ): Promise<DeletedFile[]> {
    const rows: [DeletedRow[], number] = await manager.query(
      `DELETE FROM files WHERE id IN (
         SELECT id FROM files WHERE status = 'pending' AND created_at < $1
          ORDER BY created_at LIMIT $2 FOR UPDATE SKIP LOCKED)
       RETURNING ${DELETED_COLUMNS}`,
      [before, limit],
    );
    return rows[0].map(toDeleted);
  }

  /** Deletes every file of the owner (account deletion); the deleted rows. */
  async deleteAllOf(manager: EntityManager, ownerId: string): Promise<DeletedFile[]> {
    const rows: [DeletedRow[], number] = await manager.query(
      `DELETE FROM files WHERE owner_id = $1 RETURNING ${DELETED_COLUMNS}`,
      [ownerId],
    );
    return rows[0].map(toDeleted);
  }
}
