import { randomUUID } from 'node:crypto';
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
   * worker in the same transaction; anything else is `ready`. A file already past pending is
   * returned as it is, so a retried or concurrent complete is harmless.
   */
  async complete(ownerId: string, id: string): Promise<StoredFile> {
    const file = await this.files.findById(id);
    if (!file || file.ownerId !== ownerId) throw fileNotFound();
    if (file.status !== 'pending') return file;
    const stored = await this.storage.stat(file.storageKey);
    if (!stored) throw fileNotUploaded();
    const head =
      stored.size > 0 ? await this.storage.readHead(file.storageKey, HEAD_BYTES) : Buffer.alloc(0);
    const rejection = checkStoredContent(file, { size: stored.size, head });
    await this.transactions.run(async (manager) => {
      const status = rejection
        ? 'rejected'
        : needsProcessing(file.contentType)
          ? 'processing'
          : 'ready';
      const settled = await this.files.settlePending(manager, id, {
        status,
        rejectionReason: rejection,
        completedAt: new Date(),
      });
      if (!settled) return;
      if (rejection) {
        await this.outbox.publish(manager, {
          type: FILES_DELETED,
          payload: { keys: objectKeysOf(file) } satisfies FilesDeletedPayload,
        });
      } else if (status === 'processing') {
        await this.outbox.publish(manager, {
          type: FILES_UPLOADED,
          payload: { fileId: id } satisfies FilesUploadedPayload,
        });
      }
    });
    return (await this.files.findById(id)) ?? file;
  }

  private async dropSpareAvatars(manager: EntityManager, ownerId: string): Promise<void> {
    const dropped = await this.files.deleteSpareAvatars(manager, ownerId);
    if (dropped.length === 0) return;
    await this.outbox.publish(manager, {
      type: FILES_DELETED,
      payload: { keys: dropped.flatMap(objectKeysOf) } satisfies FilesDeletedPayload,
    });
  }

  private async checkQuota(manager: EntityManager, ownerId: string, size: number): Promise<void> {
    const { quotaCount, quotaBytes } = this.config.storage.files;
    const usage = await this.files.usage(manager, ownerId);
    if (usage.count + 1 > quotaCount) throw fileQuotaExceeded('count', quotaCount);
    if (usage.bytes + size > quotaBytes) throw fileQuotaExceeded('bytes', quotaBytes);
  }
}
