import { InjectQueue } from '@nestjs/bull';
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { Queue } from 'bull';
import { APP_CONFIG, type AppConfig } from '../../config/index.js';
import { QUEUES } from '../../queue/queues.js';
import { scheduleRepeatable } from '../../queue/repeatable.js';

/** Stable id of the repeatable job: every worker registers the same one, Bull keeps one. */
export const RECONCILE_JOB_ID = 'payments-reconcile';

/** The reconciliation, once per PAYMENTS_RECONCILE_EVERY_MS across all workers. */
@Injectable()
export class ReconciliationScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger(ReconciliationScheduler.name);

  constructor(
    @InjectQueue(QUEUES.payments.name) private readonly queue: Queue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await scheduleRepeatable(
      this.queue,
      {
        name: QUEUES.payments.jobs.reconcile,
        jobId: RECONCILE_JOB_ID,
        everyMs: this.config.payments.reconcileEveryMs,
      },
      this.logger,
    );
  }
}
