import { InjectQueue } from '@nestjs/bull';
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { Queue } from 'bull';
import { APP_CONFIG, type AppConfig } from '../../config/index.js';
import { QUEUES } from '../../queue/queues.js';

/** Stable id of the repeatable job: every worker registers the same one, Bull keeps one. */
export const RECONCILE_JOB_ID = 'payments-reconcile';

/**
 * Registers the reconciliation as a repeatable Bull job. Each worker does this at boot; the
 * stable job id makes the schedule one schedule, and each tick is a single job that exactly one
 * worker takes, so the run happens once across all workers.
 */
@Injectable()
export class ReconciliationScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger(ReconciliationScheduler.name);

  constructor(
    @InjectQueue(QUEUES.payments.name) private readonly queue: Queue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const every = this.config.payments.reconcileEveryMs;
    try {
      // A changed interval leaves the old schedule behind: remove it.
      for (const job of await this.queue.getRepeatableJobs()) {
        if (job.name === QUEUES.payments.jobs.reconcile && Number(job.every) !== every) {
          await this.queue.removeRepeatableByKey(job.key);
        }
      }
      await this.queue.add(
        QUEUES.payments.jobs.reconcile,
        {},
        {
          jobId: RECONCILE_JOB_ID,
          repeat: { every },
          attempts: 1,
          removeOnComplete: 100,
          removeOnFail: 100,
        },
      );
    } catch (error) {
      // Redis down at boot: the next worker start registers it; payments work without it.
      this.logger.error({ err: error }, 'could not schedule payments reconciliation');
    }
  }
}
