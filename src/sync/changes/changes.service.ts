import { Injectable } from '@nestjs/common';
import { decodeChangeCursor, encodeChangeCursor } from '../domain/cursors.js';
import { syncCursorExpired } from '../domain/sync.errors.js';
import type { ChangesPage, FeedChange } from '../domain/sync-views.js';
import { SyncDocumentsRepository } from '../repositories/sync-documents.repository.js';
import { SyncHeadsRepository } from '../repositories/sync-heads.repository.js';

export interface ChangesRequest {
  since?: string;
  limit: number;
  /** Only these collections (empty: all). */
  collections: string[];
}

/** The change feed: what changed after a cursor, in the order it was committed. */
@Injectable()
export class ChangesService {
  constructor(
    private readonly documents: SyncDocumentsRepository,
    private readonly heads: SyncHeadsRepository,
  ) {}

  async changesSince(userId: string, request: ChangesRequest): Promise<ChangesPage> {
    const since = decodeChangeCursor(request.since);
    const rows = await this.documents.changesAfter(
      userId,
      since.seq,
      request.collections,
      request.limit + 1,
    );
    // Read after the page: a purge that removed a tombstone the page could have shown has
    // committed its raised purged_seq by now, so the page is never silently short of a delete.
    const purgedSeq = await this.heads.purgedSeq(userId);
    const fromTheBeginning = request.since === undefined;
    if (!fromTheBeginning && purgedSeq > Math.max(since.seq, since.floor))
      throw syncCursorExpired();
    const changes = rows.slice(0, request.limit);
    // A resync's position starts below the tombstones purged before it began: without the floor,
    // its next page or pull would answer 410 and start it over (for ever, on a long feed).
    const floor = fromTheBeginning ? purgedSeq : since.floor;
    return {
      changes,
      cursor: encodeChangeCursor(lastSeq(changes) ?? since.seq, floor),
      hasMore: rows.length > request.limit,
    };
  }
}

function lastSeq(changes: FeedChange[]): number | undefined {
  const last = changes.at(-1);
  return last && Number(last.seq);
}
