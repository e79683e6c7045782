import { InjectQueue } from '@nestjs/bull';
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { Queue } from 'bull';
import { APP_CONFIG, type AppConfig } from '../../config/index.js';
import { QUEUES } from '../../queue/queues.js';

/** Stable id of the repeatable job: every worker registers the same one, Bull keeps one. */
export const SWEEP_PENDING_JOB_ID = 'files-sweep-pending';

/**
 * Registers the pending-upload sweep as a repeatable Bull job (as payments does with its
 * reconciliation): every worker registers it at boot, the stable job id keeps one schedule, and
 * each tick is one job that exactly one worker takes.
 */
@Injectable()
export class PendingSweepScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger(PendingSweepScheduler.name);

  constructor(
    @InjectQueue(QUEUES.files.name) private readonly queue: Queue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const every = this.config.fileProcessing.sweepEveryMs;
    try {
      // A changed interval leaves the old schedule behind: remove it.
      for (const job of await this.queue.getRepeatableJobs()) {
        if (job.name === QUEUES.files.jobs.sweepPending && Number(job.every) !== every) {
          await this.queue.removeRepeatableByKey(job.key);
        }
      }
      await this.queue.add(
        QUEUES.files.jobs.sweepPending,
        {},
        {
          jobId: SWEEP_PENDING_JOB_ID,
          repeat: { every },
          attempts: 1,
          removeOnComplete: 100,
          removeOnFail: 100,
        },
      );
    } catch (error) {
      // Redis down at boot: the next worker start registers it; uploads work without it.
      this.logger.error({ err: error }, 'could not schedule the pending-upload sweep');
    }
  }
}
