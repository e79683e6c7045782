import { InjectQueue } from '@nestjs/bull';
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { Queue } from 'bull';
import { APP_CONFIG, type AppConfig } from '../../config/index.js';
import { QUEUES } from '../../queue/queues.js';
import { scheduleRepeatable } from '../../queue/repeatable.js';

/** Stable id of the repeatable job: every worker registers the same one, Bull keeps one. */
export const SYNC_PURGE_JOB_ID = 'sync-purge';

/** The purge of expired tombstones and mutation results, once per SYNC_PURGE_EVERY_MS across all workers. */
@Injectable()
export class SyncPurgeScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger(SyncPurgeScheduler.name);

  constructor(
    @InjectQueue(QUEUES.sync.name) private readonly queue: Queue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await scheduleRepeatable(
      this.queue,
      {
        name: QUEUES.sync.jobs.purge,
        jobId: SYNC_PURGE_JOB_ID,
        everyMs: this.config.sync.purgeEveryMs,
      },
      this.logger,
    );
  }
}
