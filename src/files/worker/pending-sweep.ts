import { Inject, Injectable, Logger } from '@nestjs/common';
import { Clock } from '../../common/clock.js';
import { APP_CONFIG, type AppConfig } from '../../config/index.js';
import { Transactions } from '../../database/transactions.js';
import { OutboxService } from '../../outbox/outbox.service.js';
import { FILES_DELETED, type FilesDeletedPayload } from '../domain/file-events.js';
import { objectKeysOf } from '../domain/file-keys.js';
import { abandonedBefore } from '../domain/pending-uploads.js';
import { FilesRepository } from '../repositories/files.repository.js';

const BATCH = 500;

/**
 * Deletes uploads created and never completed within the TTL: their rows, and their objects (the
 * client may have uploaded the bytes and never called complete) through `files.deleted` in the
 * same transaction. Run by a repeatable job, once per tick across workers.
 */
@Injectable()
export class PendingSweep {
  private readonly logger = new Logger(PendingSweep.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly files: FilesRepository,
    private readonly transactions: Transactions,
    private readonly outbox: OutboxService,
    private readonly clock: Clock,
  ) {}

  /** The number of uploads deleted. */
  async runOnce(): Promise<number> {
    const before = abandonedBefore(this.clock.now(), this.config.fileProcessing.pendingTtlMs);
    let deleted = 0;
    for (;;) {
      const batch = await this.transactions.run(async (manager) => {
        const rows = await this.files.deleteAbandoned(manager, before, BATCH);
        if (rows.length > 0) {
          await this.outbox.publish(manager, {
            type: FILES_DELETED,
            payload: { keys: rows.flatMap(objectKeysOf) } satisfies FilesDeletedPayload,
          });
        }
        return rows.length;
      });
      deleted += batch;
      if (batch < BATCH) break;
    }
    if (deleted > 0) this.logger.log({ deleted }, 'abandoned uploads deleted');
    return deleted;
  }
}
