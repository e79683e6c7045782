import { Inject, Injectable } from '@nestjs/common';
import type { Page } from '../../common/pagination/keyset.js';
import { APP_CONFIG, type AppConfig } from '../../config/index.js';
import { decodeListCursor, encodeListCursor } from '../domain/cursors.js';
import { encodeValue } from '../domain/limits.js';
import { isKey } from '../domain/names.js';
import type { Precondition } from '../domain/preconditions.js';
import {
  syncDocumentNotFound,
  syncInvalidPrecondition,
  syncPreconditionFailed,
} from '../domain/sync.errors.js';
import type { SyncDocumentView } from '../domain/sync-views.js';
import { SyncDocumentsRepository } from '../repositories/sync-documents.repository.js';
import { SyncWrites, type DocumentId } from '../sync-writes.js';

/** The document resource: read, list, and conditional put and delete of one document. */
@Injectable()
export class DocumentsService {
  constructor(
    private readonly documents: SyncDocumentsRepository,
    private readonly writes: SyncWrites,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async get(userId: string, id: DocumentId): Promise<SyncDocumentView> {
    const document = await this.documents.findLive(userId, id.collection, id.key);
    if (!document) throw syncDocumentNotFound();
    return document;
  }

  /** Live documents of a collection in key order. */
  async list(
    userId: string,
    collection: string,
    request: { limit: number; cursor?: string },
  ): Promise<Page<SyncDocumentView>> {
    const after = decodeListCursor(request.cursor, isKey);
    const rows = await this.documents.listLive(userId, collection, after, request.limit + 1);
    const items = rows.slice(0, request.limit);
    const last = items.at(-1);
    return {
      items,
      nextCursor: rows.length > request.limit && last ? encodeListCursor(last.key) : null,
    };
  }

  /** Stores the value if the precondition holds (412 with the current state otherwise). */
  async put(
    userId: string,
    id: DocumentId,
    value: unknown,
    precondition: Precondition | string,
  ): Promise<SyncDocumentView> {
    const checked = valid(precondition);
    const encoded = encodeValue(value, 'value', this.config.sync);
    const { result } = await this.writes.run(userId, (session) =>
      session.apply({ ...id, value: encoded, precondition: checked, field: 'value' }),
    );
    if (!result.applied) throw syncPreconditionFailed(result.current);
    return result.document;
  }

  /** Leaves a tombstone; 404 when no live document, 412 when the precondition fails. */
  async delete(userId: string, id: DocumentId, precondition: Precondition | string): Promise<void> {
    const checked = valid(precondition);
    const { result } = await this.writes.run(userId, (session) =>
      session.apply({ ...id, value: null, precondition: checked, field: 'key' }),
    );
    if (result.applied) return;
    const live = result.current !== null && !result.current.deleted;
    if (live || checked.kind === 'match') throw syncPreconditionFailed(result.current);
    throw syncDocumentNotFound();
  }
}

function valid(precondition: Precondition | string): Precondition {
  if (typeof precondition === 'string') throw syncInvalidPrecondition(precondition);
  return precondition;
}
