/**
 * An offline-first client of the sync API, written only against the SDK: the loop the README's
 * "Offline first" section shows. test/sync-offline-client.e2e-spec.ts runs it against the real app.
 *
 * - Reads and writes go to the local store at once (the app works offline).
 * - Each write also joins a queue of mutations with a stable id; `flush()` sends the queue with
 *   `POST /sync/mutations` (a retry after a lost answer replays the same results: nothing applies
 *   twice) and drops what the server answered.
 * - `pull()` applies `GET /sync/changes` from the stored cursor until `hasMore` is false; a `sync`
 *   event on the stream triggers it, and so does every (re)connect. On 410 (the cursor is older
 *   than the tombstone retention) it drops the local copy and resyncs from no cursor; the queue
 *   is kept and is still flushed afterwards.
 * - A write carries the revision it was made on (`baseRev`): when another device wrote first the
 *   server answers `conflict` with its document, and `resolve` decides: a value to write on top
 *   of the server's (a merge), or `undefined` to keep the server's.
 *
 * The store is in memory here; an app keeps the same three things (documents, cursor, queue) in
 * SQLite, IndexedDB or files, so that a restart loses neither the queue nor the cursor.
 */
import { randomUUID } from 'node:crypto';
// An app would import from '@app-backend/client'; the example uses the SDK's source directly.
import {
  ApiProblem,
  ok,
  type ApiClient,
  type components,
  type NotificationEvent,
} from '../src/index.js';

type Mutation = components['schemas']['MutationDto'];
type MutationResult = components['schemas']['MutationResultDto'];
type Change = components['schemas']['SyncChangeDto'];

/** What the server holds for one document (the local copy of it); a delete leaves a tombstone. */
export interface SyncedDocument {
  collection: string;
  key: string;
  rev: number;
  value: unknown;
  deleted: boolean;
}

/** The local store: the server's documents as last pulled, the feed cursor, the unsent writes. */
export interface LocalStore {
  documents: Map<string, SyncedDocument>;
  cursor: string | null;
  queue: Mutation[];
}

export const emptyStore = (): LocalStore => ({ documents: new Map(), cursor: null, queue: [] });

export interface Conflict {
  /** The local write the server refused. */
  mine: Mutation;
  /** The server's document (null: it was deleted). */
  theirs: SyncedDocument | null;
}

export interface OfflineSyncOptions {
  /** Identifies this installation in the server's mutation log; default: a random id. */
  clientId?: string;
  /** A merged value to write over the server's document, or undefined to keep the server's. */
  resolve?: (conflict: Conflict) => unknown;
  /** Called after every applied pull page and resolved conflict (to refresh the UI). */
  onChange?: () => void;
  /** Mutations per request (the server takes at most 500). */
  batchSize?: number;
}

export interface RunHooks {
  /** Every stream event, after the sync it triggered (notifications, unread counts, sync). */
  onEvent?: (event: NotificationEvent) => void;
  /** A flush or pull that failed (offline, 5xx): the next event or reconnect tries again. */
  onError?: (error: unknown) => void;
}

const docId = (collection: string, key: string) => `${collection}/${key}`;

export class OfflineSync {
  readonly clientId: string;
  /** Resyncs after a 410, for the curious (and the test). */
  resyncs = 0;
  private pulling: Promise<void> | null = null;
  private pullAgain = false;

  constructor(
    private readonly client: ApiClient,
    readonly store: LocalStore = emptyStore(),
    private readonly options: OfflineSyncOptions = {},
  ) {
    this.clientId = options.clientId ?? randomUUID();
  }

  /** The document as this device sees it: its own unsent writes over the server's state. */
  get(collection: string, key: string): unknown {
    const pending = this.store.queue.findLast((m) => m.collection === collection && m.key === key);
    if (pending) return pending.op === 'put' ? pending.value : undefined;
    const doc = this.store.documents.get(docId(collection, key));
    return doc && !doc.deleted ? doc.value : undefined;
  }

  /** Every document of a collection as this device sees it, by key. */
  list(collection: string): Map<string, unknown> {
    const keys = new Set<string>();
    for (const doc of this.store.documents.values()) {
      if (doc.collection === collection) keys.add(doc.key);
    }
    for (const m of this.store.queue) if (m.collection === collection) keys.add(m.key);
    const out = new Map<string, unknown>();
    for (const key of [...keys].sort()) {
      const value = this.get(collection, key);
      if (value !== undefined) out.set(key, value);
    }
    return out;
  }

  put(collection: string, key: string, value: unknown): void {
    this.enqueue({ op: 'put', collection, key, value });
  }

  delete(collection: string, key: string): void {
    this.enqueue({ op: 'delete', collection, key });
  }

  /**
   * Sends the queue, oldest first, in batches. A mutation leaves the queue once the server has
   * answered it; a network failure leaves it queued, and the next flush resends the same ids.
   */
  async flush(): Promise<void> {
    const size = this.options.batchSize ?? 500;
    while (this.store.queue.length > 0) {
      const batch = this.store.queue.slice(0, size);
      const answer = await ok(
        this.client.POST('/api/v1/sync/mutations', {
          body: { clientId: this.clientId, mutations: batch },
        }),
      );
      this.store.queue.splice(0, batch.length);
      for (const [i, result] of answer.results.entries()) {
        const mine = batch[i];
        if (mine) this.settle(mine, result);
      }
    }
  }

  /** Applies the feed from the stored cursor; concurrent calls share one run (plus one more). */
  pull(): Promise<void> {
    if (this.pulling) {
      this.pullAgain = true;
      return this.pulling;
    }
    this.pulling = (async () => {
      try {
        do {
          this.pullAgain = false;
          await this.pullOnce();
        } while (this.pullAgain);
      } finally {
        this.pulling = null;
      }
    })();
    return this.pulling;
  }

  /**
   * Flushes and pulls whenever the stream (re)connects or announces a change, until `signal`
   * aborts; every event (notifications too: it is the app's one stream) goes to `onEvent`.
   * Resolves when the stream ends (aborted, or the session was signed out).
   */
  async run(signal: AbortSignal, hooks: RunHooks = {}): Promise<void> {
    const { onEvent = () => {}, onError = () => {} } = hooks;
    const sync = () =>
      this.flush()
        .then(() => this.pull())
        .catch(onError);
    await sync(); // changes made while no stream was open
    for await (const event of this.client.notificationEvents({ signal })) {
      // The first unread count of every connection means the stream is (again) live, and sync
      // events sent while it was down are not replayed: catch up then, and on every sync event.
      if (event.type === 'unread-count' || event.type === 'sync') await sync();
      onEvent(event);
    }
  }

  private enqueue(change: Pick<Mutation, 'op' | 'collection' | 'key' | 'value'>): void {
    const base = this.store.documents.get(docId(change.collection, change.key));
    const queuedBefore = this.store.queue.some(
      (m) => m.collection === change.collection && m.key === change.key,
    );
    // A second write of a key before the flush builds on the first: only the first of the
    // queue is checked against the server's revision. (Its revision after the first is not
    // known yet: guessing it could match another device's write.) So if the first conflicts,
    // the later ones still apply, and `resolve` then sees them as the server's side.
    const baseRev = queuedBefore ? undefined : (base?.rev ?? 0);
    this.store.queue.push({
      id: randomUUID(),
      ...change,
      ...(baseRev === undefined ? {} : { baseRev }),
    });
  }

  private settle(mine: Mutation, result: MutationResult): void {
    if (result.status === 'applied') {
      // `rev` comes with every applied result (the schema cannot tie it to the status).
      const rev = result.rev ?? 0;
      const deleted = mine.op === 'delete';
      this.remember({ ...mine, rev, value: mine.value ?? null, deleted });
      return;
    }
    const theirs = result.current ? toDocument(result.current) : null;
    if (theirs) this.remember(theirs);
    const merged = this.options.resolve?.({ mine, theirs });
    if (merged !== undefined) {
      this.store.queue.push({
        id: randomUUID(),
        op: 'put',
        collection: mine.collection,
        key: mine.key,
        value: merged,
        baseRev: theirs?.rev ?? 0,
      });
    }
    this.options.onChange?.();
  }

  private async pullOnce(): Promise<void> {
    for (;;) {
      const since = this.store.cursor;
      const { data, error, response } = await this.client.GET('/api/v1/sync/changes', {
        params: { query: since === null ? {} : { since } },
      });
      if (response.status === 410) {
        // Tombstones older than our cursor are gone: a delete may have been missed. Start over;
        // the queue (this device's unsent writes) stays and is flushed as usual.
        this.store.documents.clear();
        this.store.cursor = null;
        this.resyncs++;
        continue;
      }
      if (!data) throw ApiProblem.from(error, response);
      for (const change of data.changes) this.apply(change);
      this.store.cursor = data.cursor;
      this.options.onChange?.();
      if (!data.hasMore) return;
    }
  }

  private apply(change: Change): void {
    this.remember(toDocument(change));
  }

  private remember(doc: SyncedDocument): void {
    const id = docId(doc.collection, doc.key);
    const known = this.store.documents.get(id);
    // A flush's answer and a pull may arrive in either order: never step back a revision.
    if (known && known.rev > doc.rev) return;
    const { collection, key, rev, value, deleted } = doc;
    this.store.documents.set(id, { collection, key, rev, value, deleted });
  }
}

function toDocument(doc: {
  collection: string;
  key: string;
  rev: number;
  value?: unknown;
  deleted?: boolean;
}): SyncedDocument {
  const { collection, key, rev } = doc;
  return { collection, key, rev, value: doc.value ?? null, deleted: doc.deleted === true };
}
