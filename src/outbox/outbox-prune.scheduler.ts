import { InjectQueue } from '@nestjs/bull';
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { Queue } from 'bull';
import { APP_CONFIG, type AppConfig } from '../config/index.js';
import { QUEUES } from '../queue/queues.js';
import { scheduleRepeatable } from '../queue/repeatable.js';

/** Stable id of the repeatable job: every worker registers the same one, Bull keeps one. */
export const OUTBOX_PRUNE_JOB_ID = 'outbox-prune';

/** Outbox pruning, once per OUTBOX_PRUNE_EVERY_MS across all workers (not once per relay). */
@Injectable()
export class OutboxPruneScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger(OutboxPruneScheduler.name);

  constructor(
    @InjectQueue(QUEUES.outbox.name) private readonly queue: Queue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await scheduleRepeatable(
      this.queue,
      {
        name: QUEUES.outbox.jobs.prune,
        jobId: OUTBOX_PRUNE_JOB_ID,
        everyMs: this.config.outbox.pruneEveryMs,
      },
      this.logger,
    );
  }
}
