import { Inject, Injectable } from '@nestjs/common';
import type { AuthPrincipal } from '../../common/auth/auth-principal.js';
import type { Page, PageRequest } from '../../common/pagination/keyset.js';
import { APP_CONFIG, type AppConfig } from '../../config/index.js';
import { Transactions } from '../../database/transactions.js';
import { OutboxService } from '../../outbox/outbox.service.js';
import { ObjectStorage } from '../../storage/object-storage.js';
import type { StoredFile } from '../entities/stored-file.entity.js';
import { FILES_DELETED, type FilesDeletedPayload } from '../domain/file-events.js';
import { objectKeysOf } from '../domain/file-keys.js';
import { downloadName, IMAGE_TYPES } from '../domain/file-purposes.js';
import { fileNotFound, fileNotReady, fileVariantNotFound } from '../domain/files.errors.js';
import { FilesRepository } from '../repositories/files.repository.js';

export interface ContentLink {
  url: string;
  expiresInSeconds: number;
}

/** Reading, listing, downloading and deleting files: the owner's, or any for an admin. */
@Injectable()
export class FilesService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly files: FilesRepository,
    private readonly storage: ObjectStorage,
    private readonly transactions: Transactions,
    private readonly outbox: OutboxService,
  ) {}

  async get(viewer: AuthPrincipal, id: string): Promise<StoredFile> {
    const file = await this.files.findById(id);
    if (!file || !canSee(viewer, file)) throw fileNotFound();
    return file;
  }

  list(ownerId: string, page: PageRequest): Promise<Page<StoredFile>> {
    return this.files.listByOwner(ownerId, page);
  }

  /**
   * A short-lived signed URL of a ready file (or one of its variants). Images are shown inline,
   * anything else is an attachment; the name ends with the checked type's extension.
   */
  async contentLink(viewer: AuthPrincipal, id: string, variant?: string): Promise<ContentLink> {
    const file = await this.get(viewer, id);
    if (file.status !== 'ready') throw fileNotReady(file.status);
    const target = variant === undefined ? file : file.variants.find((v) => v.name === variant);
    if (!target) throw fileVariantNotFound();
    const key = 'key' in target ? target.key : file.storageKey;
    const expiresInSeconds = this.config.storage.downloadUrlTtlSeconds;
    const url = await this.storage.signDownload({
      key,
      expiresInSeconds,
      contentType: target.contentType,
      filename: downloadName(file.filename, target.contentType),
      disposition: IMAGE_TYPES.has(target.contentType) ? 'inline' : 'attachment',
    });
    return { url, expiresInSeconds };
  }

  /**
   * Deletes the row and publishes its object keys in one transaction: the worker deletes the
   * objects, so a crash leaves neither a row without bytes nor bytes without a row for long.
   */
  async delete(viewer: AuthPrincipal, id: string): Promise<void> {
    const existing = await this.files.findById(id);
    if (!existing || !canSee(viewer, existing)) throw fileNotFound();
    await this.transactions.run(async (manager) => {
      const deleted = await this.files.delete(manager, id);
      if (!deleted) throw fileNotFound();
      await this.outbox.publish(manager, {
        type: FILES_DELETED,
        payload: { keys: objectKeysOf(deleted) } satisfies FilesDeletedPayload,
      });
    });
  }
}

function canSee(viewer: AuthPrincipal, file: StoredFile): boolean {
  return file.ownerId === viewer.userId || viewer.role === 'admin';
}
