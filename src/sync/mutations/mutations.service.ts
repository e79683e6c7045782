import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/index.js';
import { encodeValue, type EncodedValue } from '../domain/limits.js';
import type { Precondition } from '../domain/preconditions.js';
import {
  syncBatchTooLarge,
  syncDuplicateMutation,
  syncInvalidValue,
} from '../domain/sync.errors.js';
import { toStoredChange, type MutationResult } from '../domain/sync-views.js';
import { SyncMutationsRepository } from '../repositories/sync-mutations.repository.js';
import { SyncWrites, type WriteSession } from '../sync-writes.js';

export interface Mutation {
  id: string;
  op: 'put' | 'delete';
  collection: string;
  key: string;
  value?: unknown;
  baseRev?: number;
}

export interface MutationBatch {
  clientId: string;
  mutations: Mutation[];
}

export interface BatchOutcome {
  results: MutationResult[];
  cursor: string;
}

/**
 * An offline queue's flush: the mutations in order in one transaction, each once by its id (a
 * retried batch replays the stored results and changes nothing), a conflict not stopping the rest.
 */
@Injectable()
export class MutationsService {
  constructor(
    private readonly writes: SyncWrites,
    private readonly mutations: SyncMutationsRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async apply(userId: string, batch: MutationBatch): Promise<BatchOutcome> {
    const { maxBatchMutations } = this.config.sync;
    if (batch.mutations.length > maxBatchMutations)
      throw syncBatchTooLarge(batch.mutations.length, maxBatchMutations);
    const values = this.encodeAll(batch.mutations);
    const { result, cursor } = await this.writes.run(userId, (session) =>
      this.applyAll(session, batch, values),
    );
    return { results: result, cursor };
  }

  /** Every value checked before the transaction: a bad one fails the batch naming it. */
  private encodeAll(mutations: Mutation[]): Array<EncodedValue | null> {
    const seen = new Set<string>();
    return mutations.map((mutation, index) => {
      if (seen.has(mutation.id)) throw syncDuplicateMutation(`mutations[${index}].id`);
      seen.add(mutation.id);
      if (mutation.op === 'delete') {
        if (mutation.value === undefined) return null;
        throw syncInvalidValue(`mutations[${index}].value`, 'a delete carries no value');
      }
      return encodeValue(mutation.value, `mutations[${index}].value`, this.config.sync);
    });
  }

  private async applyAll(
    session: WriteSession,
    batch: MutationBatch,
    values: Array<EncodedValue | null>,
  ): Promise<MutationResult[]> {
    const ids = batch.mutations.map((mutation) => mutation.id);
    const stored = await this.mutations.findResults(session.manager, session.userId, ids);
    await session.preload(batch.mutations.filter((mutation) => !stored.has(mutation.id)));
    const results: MutationResult[] = [];
    const fresh: MutationResult[] = [];
    for (const [index, mutation] of batch.mutations.entries()) {
      const replay = stored.get(mutation.id);
      if (replay) {
        results.push(replay);
        continue;
      }
      const precondition: Precondition =
        mutation.baseRev === undefined ? { kind: 'none' } : { kind: 'base', rev: mutation.baseRev };
      const outcome = await session.apply({
        collection: mutation.collection,
        key: mutation.key,
        value: values[index] ?? null,
        precondition,
        field: `mutations[${index}]`,
      });
      const result: MutationResult = outcome.applied
        ? { id: mutation.id, status: 'applied', rev: outcome.document.rev }
        : {
            id: mutation.id,
            status: 'conflict',
            current: outcome.current && toStoredChange(outcome.current),
          };
      results.push(result);
      fresh.push(result);
    }
    await this.mutations.insertResults(
      session.manager,
      session.userId,
      batch.clientId,
      fresh,
      session.at,
    );
    return results;
  }
}
