import { Inject, Injectable, Logger } from '@nestjs/common';
import { Clock } from '../../common/clock.js';
import { APP_CONFIG, type AppConfig } from '../../config/index.js';
import { Transactions } from '../../database/transactions.js';
import { SyncDocumentsRepository } from '../repositories/sync-documents.repository.js';
import { SyncHeadsRepository } from '../repositories/sync-heads.repository.js';
import { SyncMutationsRepository } from '../repositories/sync-mutations.repository.js';

/** Rows per statement: short transactions, no long lock on anyone's documents. */
const CHUNK = 1000;

export interface PurgeReport {
  tombstones: number;
  mutations: number;
}

/**
 * Forgets what is past its retention: tombstones older than SYNC_TOMBSTONE_RETENTION_DAYS
 * (raising each user's purged_seq in the same transaction, so an older cursor answers 410) and
 * stored mutation results older than SYNC_MUTATION_RETENTION_DAYS.
 */
@Injectable()
export class SyncPurge {
  private readonly logger = new Logger(SyncPurge.name);

  constructor(
    private readonly transactions: Transactions,
    private readonly documents: SyncDocumentsRepository,
    private readonly heads: SyncHeadsRepository,
    private readonly mutations: SyncMutationsRepository,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async runOnce(): Promise<PurgeReport> {
    const now = this.clock.now().getTime();
    const { tombstoneRetentionMs, mutationRetentionMs } = this.config.sync;
    const report = {
      tombstones: await this.purgeTombstones(new Date(now - tombstoneRetentionMs)),
      mutations: await this.pruneMutations(new Date(now - mutationRetentionMs)),
    };
    if (report.tombstones > 0 || report.mutations > 0)
      this.logger.log(report, 'sync purge removed expired rows');
    return report;
  }

  private async purgeTombstones(before: Date): Promise<number> {
    let total = 0;
    for (;;) {
      const purged = await this.transactions.run(async (manager) => {
        const expired = await this.documents.findExpiredTombstones(manager, before, CHUNK);
        if (expired.length === 0) return 0;
        // Heads first, as writers lock them: a writer putting a tombstone back never deadlocks
        // with the purge, and the purge sees its write (the recheck in deleteTombstones).
        await this.heads.lockMany(manager, [...new Set(expired.map((id) => id.userId))]);
        const bySeq = await this.documents.deleteTombstones(manager, expired, before);
        await this.heads.raisePurged(manager, bySeq);
        return expired.length;
      });
      total += purged;
      if (purged < CHUNK) return total;
    }
  }

  private async pruneMutations(before: Date): Promise<number> {
    let total = 0;
    for (;;) {
      const pruned = await this.mutations.prune(before, CHUNK);
      total += pruned;
      if (pruned < CHUNK) return total;
    }
  }
}
