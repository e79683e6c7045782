import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock } from '../common/clock.js';
import { APP_CONFIG, type AppConfig } from '../config/index.js';
import { Transactions } from '../database/transactions.js';
import { encodeChangeCursor } from './domain/cursors.js';
import { KeyedQueue } from './keyed-queue.js';
import { nextTotals, type EncodedValue, type SyncLimits } from './domain/limits.js';
import { holds, type Precondition } from './domain/preconditions.js';
import type { StoredDocument } from './domain/sync-views.js';
import { SyncDocumentsRepository } from './repositories/sync-documents.repository.js';
import { SyncHeadsRepository, type HeadState } from './repositories/sync-heads.repository.js';
import { SyncSignals } from './sync-signals.js';

export interface DocumentId {
  collection: string;
  key: string;
}

/** One change a use case asks for: a put (with its encoded value) or a delete. */
export interface ChangeRequest extends DocumentId {
  value: EncodedValue | null;
  precondition: Precondition;
  /** Where a quota problem points (`value`, `mutations[3].value`). */
  field: string;
}

export type ChangeOutcome =
  { applied: true; document: StoredDocument } | { applied: false; current: StoredDocument | null };

const idOf = (doc: DocumentId) => `${doc.collection}\u0000${doc.key}`;

/**
 * One user's write transaction: locks the head, then applies changes one after another, each
 * with the next sequence number. In memory it keeps the head and the documents it has read, so
 * a batch costs one read for all its documents and one write per change.
 */
export class WriteSession {
  private readonly documents = new Map<string, StoredDocument | null>();
  private changes = 0;

  constructor(
    readonly manager: EntityManager,
    readonly userId: string,
    readonly at: Date,
    private head: HeadState,
    private readonly limits: SyncLimits,
    private readonly repository: SyncDocumentsRepository,
  ) {}

  get seq(): number {
    return this.head.seq;
  }

  get changed(): boolean {
    return this.changes > 0;
  }

  /** Reads the documents a batch will touch, in one query. */
  async preload(ids: DocumentId[]): Promise<void> {
    const missing = ids.filter((id) => !this.documents.has(idOf(id)));
    if (missing.length === 0) return;
    for (const id of missing) this.documents.set(idOf(id), null);
    const rows = await this.repository.findMany(this.manager, this.userId, missing);
    for (const row of rows) this.documents.set(idOf(row), row);
  }

  /** Applies the change if its precondition holds; a delete of nothing live is not applied. */
  async apply(change: ChangeRequest): Promise<ChangeOutcome> {
    await this.preload([change]);
    const current = this.documents.get(idOf(change)) ?? null;
    const live = current !== null && !current.deleted;
    if (!holds(change.precondition, current)) return { applied: false, current };
    if (change.value === null && !live) return { applied: false, current };
    const totals = nextTotals(
      this.head,
      live ? current.size : null,
      change.value?.size ?? null,
      change.field,
      this.limits,
    );
    const seq = this.head.seq + 1;
    const document: StoredDocument = {
      collection: change.collection,
      key: change.key,
      rev: (current?.rev ?? 0) + 1,
      seq,
      value: change.value === null ? null : change.value.value,
      size: change.value?.size ?? 0,
      deleted: change.value === null,
      updatedAt: this.at,
    };
    await this.repository.upsert(
      this.manager,
      this.userId,
      { ...document, json: change.value?.json ?? null, at: this.at },
      totals,
    );
    this.head = { ...this.head, ...totals, seq };
    this.documents.set(idOf(change), document);
    this.changes++;
    return { applied: true, document };
  }
}

/**
 * Runs a use case's changes in one transaction holding the user's head (each change's statement
 * also stores the head's new position and totals), and after the commit tells SyncSignals where the user's feed now ends.
 */
@Injectable()
export class SyncWrites {
  private readonly limits: SyncLimits;
  /** One write per user at a time in this process (see KeyedQueue); across processes, the row lock. */
  private readonly queue = new KeyedQueue();

  constructor(
    private readonly transactions: Transactions,
    private readonly heads: SyncHeadsRepository,
    private readonly documents: SyncDocumentsRepository,
    private readonly signals: SyncSignals,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.limits = config.sync;
  }

  run<T>(
    userId: string,
    work: (session: WriteSession) => Promise<T>,
  ): Promise<{ result: T; cursor: string }> {
    return this.queue.run(userId, () => this.runNow(userId, work));
  }

  private async runNow<T>(
    userId: string,
    work: (session: WriteSession) => Promise<T>,
  ): Promise<{ result: T; cursor: string }> {
    const { result, session } = await this.transactions.run(async (manager) => {
      const head = await this.heads.lock(manager, userId);
      const session = new WriteSession(
        manager,
        userId,
        this.clock.now(),
        head,
        this.limits,
        this.documents,
      );
      const result = await work(session);
      return { result, session };
    });
    const cursor = encodeChangeCursor(session.seq);
    if (session.changed) this.signals.changed(userId, cursor);
    return { result, cursor };
  }
}
