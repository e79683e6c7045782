import { randomBytes, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../config/index.js';
import { Transactions } from '../../database/transactions.js';
import { OutboxService } from '../../outbox/outbox.service.js';
import { ObjectStorage, type SignedUpload } from '../../storage/object-storage.js';
import type { FilePurpose, StoredFile } from '../entities/stored-file.entity.js';
import {
  FILES_DELETED,
  FILES_UPLOADED,
  fileObjectKey,
  type FilesDeletedPayload,
  type FilesUploadedPayload,
} from '../domain/file-events.js';
import { objectKeysOf } from '../domain/file-keys.js';
import {
  checkDeclaredUpload,
  cleanFilename,
  needsProcessing,
  purposeRules,
  type PurposeRule,
} from '../domain/file-purposes.js';
import {
  fileNotFound,
  fileNotUploaded,
  fileQuotaExceeded,
  fileTooLarge,
  fileTypeNotAllowed,
} from '../domain/files.errors.js';
import { checkStoredContent, HEAD_BYTES } from '../domain/magic-bytes.js';
import { FilesRepository } from '../repositories/files.repository.js';

export interface NewUpload {
  purpose: FilePurpose;
  filename: string;
  contentType: string;
  size: number;
}

export interface CreatedUpload {
  file: StoredFile;
  upload: SignedUpload;
}

/** The two API steps of an upload: sign (POST /files) and check (POST /files/{id}/complete). */
@Injectable()
export class UploadsService {
  private readonly rules: Record<FilePurpose, PurposeRule>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly files: FilesRepository,
    private readonly storage: ObjectStorage,
    private readonly transactions: Transactions,
    private readonly outbox: OutboxService,
  ) {
    this.rules = purposeRules(config.storage.files);
  }

  /**
   * Checks type, size and quota, records the pending file, and only then signs its upload URL.
   * An avatar replaces the owner's earlier avatar uploads other than the one in use (one spare
   * at most: see the README).
   */
  async create(ownerId: string, input: NewUpload): Promise<CreatedUpload> {
    const refusal = checkDeclaredUpload(this.rules[input.purpose], input.contentType, input.size);
    if (refusal?.code === 'type-not-allowed')
      throw fileTypeNotAllowed(input.purpose, refusal.allowed);
    if (refusal?.code === 'too-large') throw fileTooLarge(input.purpose, refusal.maxBytes);
    const id = randomUUID();
    const file = await this.transactions.run(async (manager) => {
      await this.files.lockOwner(manager, ownerId);
      if (input.purpose === 'avatar') await this.dropSpareAvatars(manager, ownerId);
      await this.checkQuota(manager, ownerId, input.size);
      return this.files.insert(manager, {
        id,
        ownerId,
        purpose: input.purpose,
        filename: cleanFilename(input.filename),
        contentType: input.contentType,
        size: input.size,
        storageKey: fileObjectKey(ownerId, id),
      });
    });
    const upload = await this.storage.signUpload({
      key: file.storageKey,
      contentType: file.contentType,
      size: file.size,
      expiresInSeconds: this.config.storage.uploadUrlTtlSeconds,
    });
    return { file, upload };
  }

  /**
   * Checks the uploaded object against the declaration. Bytes that do not match reject the file
   * and delete the object; images move to `processing` with a `files.uploaded` event for the
   * worker in the same transaction (it re-encodes them under a new key); anything else is first
   * copied to a key no client has an upload URL for, checked there and `ready` there, so a PUT
   * to the still-valid upload URL cannot replace checked bytes. A file already past pending is
   * returned as it is, so a retried or concurrent complete is harmless.
   */
  async complete(ownerId: string, id: string): Promise<StoredFile> {
    const file = await this.files.findById(id);
    if (!file || file.ownerId !== ownerId) throw fileNotFound();
    if (file.status !== 'pending') return file;
    if (!(await this.storage.stat(file.storageKey))) throw fileNotUploaded();
    const moved = !needsProcessing(file.contentType);
    // A key of its own per attempt: a concurrent complete never overwrites what this one checks.
    const checkedKey = moved
      ? fileObjectKey(ownerId, id, `stored-${randomBytes(8).toString('hex')}`)
      : file.storageKey;
    if (moved) {
      const settledMeanwhile = await this.copyChecked(file, checkedKey);
      if (settledMeanwhile) return settledMeanwhile;
    }
    const stored = await this.storage.stat(checkedKey);
    if (!stored) throw fileNotUploaded();
    const head =
      stored.size > 0 ? await this.storage.readHead(checkedKey, HEAD_BYTES) : Buffer.alloc(0);
    const rejection = checkStoredContent(file, { size: stored.size, head });
    const settled = await this.settle(file, checkedKey, rejection);
    if (!settled && moved) await this.storage.delete([checkedKey]);
    return (await this.files.findById(id)) ?? file;
  }

  /**
   * Copies the upload to `to`; when the upload is gone meanwhile, the file a concurrent complete
   * settled (returned), or 409 not uploaded (the sweeper took it).
   */
  private async copyChecked(file: StoredFile, to: string): Promise<StoredFile | null> {
    try {
      await this.storage.copy(file.storageKey, to);
      return null;
    } catch (error) {
      const now = await this.files.findById(file.id);
      if (!now) throw fileNotFound();
      if (now.status !== 'pending') return now;
      if (!(await this.storage.stat(file.storageKey))) throw fileNotUploaded();
      throw error;
    }
  }

  /** Settles a pending file and publishes what follows, in one transaction; false if it was not pending. */
  private settle(file: StoredFile, checkedKey: string, rejection: string | null): Promise<boolean> {
    const moved = checkedKey !== file.storageKey;
    return this.transactions.run(async (manager) => {
      const status = rejection
        ? 'rejected'
        : needsProcessing(file.contentType)
          ? 'processing'
          : 'ready';
      const settled = await this.files.settlePending(manager, file.id, {
        status,
        rejectionReason: rejection,
        completedAt: new Date(),
        ...(moved ? { storageKey: checkedKey } : {}),
      });
      if (!settled) return false;
      if (rejection) {
        await this.publishDeleted(manager, objectKeysOf({ ...file, storageKey: checkedKey }));
      } else if (status === 'processing') {
        await this.outbox.publish(manager, {
          type: FILES_UPLOADED,
          payload: { fileId: file.id } satisfies FilesUploadedPayload,
        });
      } else if (moved) {
        // The upload object is no longer the file's (objectKeysOf still lists its key).
        await this.publishDeleted(manager, [file.storageKey]);
      }
      return true;
    });
  }

  private publishDeleted(manager: EntityManager, keys: string[]): Promise<void> {
    return this.outbox
      .publish(manager, {
        type: FILES_DELETED,
        payload: { keys } satisfies FilesDeletedPayload,
      })
      .then(() => undefined);
  }

  private async dropSpareAvatars(manager: EntityManager, ownerId: string): Promise<void> {
    const dropped = await this.files.deleteSpareAvatars(manager, ownerId);
    if (dropped.length === 0) return;
    await this.publishDeleted(manager, dropped.flatMap(objectKeysOf));
  }

  private async checkQuota(manager: EntityManager, ownerId: string, size: number): Promise<void> {
    const { quotaCount, quotaBytes } = this.config.storage.files;
    const usage = await this.files.usage(manager, ownerId);
    if (usage.count + 1 > quotaCount) throw fileQuotaExceeded('count', quotaCount);
    if (usage.bytes + size > quotaBytes) throw fileQuotaExceeded('bytes', quotaBytes);
  }
}
