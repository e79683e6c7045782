import { InjectQueue } from '@nestjs/bull';
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { Queue } from 'bull';
import { APP_CONFIG, type AppConfig } from '../../config/index.js';
import { QUEUES } from '../../queue/queues.js';

/** Stable id of the repeatable job: every worker registers the same one, Bull keeps one. */
export const SYNC_PURGE_JOB_ID = 'sync-purge';

/**
 * Registers the purge as a repeatable Bull job. Each worker does this at boot; the stable job
 * id makes it one schedule, and each tick is one job that exactly one worker takes.
 */
@Injectable()
export class SyncPurgeScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger(SyncPurgeScheduler.name);

  constructor(
    @InjectQueue(QUEUES.sync.name) private readonly queue: Queue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const every = this.config.sync.purgeEveryMs;
    try {
      // A changed interval leaves the old schedule behind: remove it.
      for (const job of await this.queue.getRepeatableJobs()) {
        if (job.name === QUEUES.sync.jobs.purge && Number(job.every) !== every) {
          await this.queue.removeRepeatableByKey(job.key);
        }
      }
      await this.queue.add(
        QUEUES.sync.jobs.purge,
        {},
        {
          jobId: SYNC_PURGE_JOB_ID,
          repeat: { every },
          attempts: 1,
          removeOnComplete: 100,
          removeOnFail: 100,
        },
      );
    } catch (error) {
      // Redis down at boot: the next worker start registers it; sync works without it.
      this.logger.error({ err: error }, 'could not schedule the sync purge');
    }
  }
}
