/** A live document as the API shows it. */
export interface SyncDocumentView {
  collection: string;
  key: string;
  rev: number;
  value: unknown;
  updatedAt: Date;
}

/** A document's latest state in the change feed: a tombstone has `deleted` and a null value. */
export interface SyncChangeView {
  collection: string;
  key: string;
  rev: number;
  value: unknown;
  deleted: boolean;
  updatedAt: Date;
}

/** A document row with its place in the change sequence. */
export interface StoredDocument extends SyncChangeView {
  seq: number;
  size: number;
}

/** A change as the feed reads it: its time already ISO text, its seq as bigint text. */
export interface FeedChange extends StoredChange {
  seq: string;
}

/** A page of the change feed. `cursor` is where the next pull starts. */
export interface ChangesPage {
  changes: FeedChange[];
  cursor: string;
  hasMore: boolean;
}

/**
 * One mutation's outcome, stored as JSON so a retried batch replays it exactly: `applied` with
 * the new rev, or `conflict` with the server's state (null when the document never existed).
 */
export type MutationResult =
  | { id: string; status: 'applied'; rev: number }
  | { id: string; status: 'conflict'; current: StoredChange | null };

/** SyncChangeView with its time as text, as kept in a stored mutation result. */
export interface StoredChange extends Omit<SyncChangeView, 'updatedAt'> {
  updatedAt: string;
}

export const toStoredChange = (change: SyncChangeView): StoredChange => ({
  collection: change.collection,
  key: change.key,
  rev: change.rev,
  value: change.value,
  deleted: change.deleted,
  updatedAt: change.updatedAt.toISOString(),
});

/** A user's sync footprint, for admins. */
export interface SyncUsage {
  documents: number;
  bytes: number;
  tombstones: number;
}
