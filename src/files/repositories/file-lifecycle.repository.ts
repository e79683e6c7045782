import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { FileVariant, StoredFile } from '../entities/stored-file.entity.js';
import { StoredFile as StoredFileEntity } from '../entities/stored-file.entity.js';

/** What leaves the table when files are deleted: the keys of their objects. */
export interface DeletedFile {
  id: string;
  ownerId: string;
  storageKey: string;
  variants: FileVariant[];
}

export interface ProcessedImage {
  storageKey: string;
  size: number;
  variants: FileVariant[];
}

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

/**
 * The queries of a file's life after complete: the worker's claim and outcome, the sweeper, the
 * account purge, and the avatar choice. Kept apart from the API's FilesRepository so the two
 * halves of the files work could grow side by side.
 */
@Injectable()
export class FileLifecycleRepository {
  constructor(private readonly dataSource: DataSource) {}

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

  /**
   * Deletes up to `limit` uploads still pending since before `before`; rows another transaction
   * holds (a complete in flight) are skipped and looked at next time.
   */
  async deleteAbandoned(manager: EntityManager, before: Date, limit: number) {
    const rows: [DeletedRow[], number] = await manager.query(
      `DELETE FROM files WHERE id IN (
         SELECT id FROM files WHERE status = 'pending' AND created_at < $1
          ORDER BY created_at LIMIT $2 FOR UPDATE SKIP LOCKED)
       RETURNING id, owner_id, storage_key, variants`,
      [before, limit],
    );
    return rows[0].map(toDeleted);
  }

  /** Deletes every file of the owner (account deletion); the deleted rows. */
  async deleteAllOf(manager: EntityManager, ownerId: string): Promise<DeletedFile[]> {
    const rows: [DeletedRow[], number] = await manager.query(
      `DELETE FROM files WHERE owner_id = $1 RETURNING id, owner_id, storage_key, variants`,
      [ownerId],
    );
    return rows[0].map(toDeleted);
  }

  /** The owner's file under a share lock: it cannot be deleted before the caller commits. */
  findOwnedForShare(manager: EntityManager, ownerId: string, id: string) {
    return manager.getRepository(StoredFileEntity).findOne({
      where: { id, ownerId },
      lock: { mode: 'pessimistic_read' },
    });
  }

  /** Outside a transaction (tests and the avatar URL do not need one). */
  findById(id: string): Promise<StoredFile | null> {
    return this.dataSource.getRepository(StoredFileEntity).findOneBy({ id });
  }
}
