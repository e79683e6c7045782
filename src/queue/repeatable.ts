import { InjectQueue } from '@nestjs/bull';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type Type } from '@nestjs/common';
import type { Queue } from 'bull';
import { APP_CONFIG, type AppConfig } from '../config/index.js';

/** A sweeper run once per period across all workers, as a worker module declares it. */
export interface RepeatableJob {
  queue: string;
  name: string;
  /** Stable: every worker registers the same id, so Bull keeps one schedule. */
  jobId: string;
  everyMs: (config: AppConfig) => number;
}

/** The provider that registers `job` at each worker's boot (scheduleRepeatable). */
export function repeatableJobScheduler(job: RepeatableJob): Type<OnApplicationBootstrap> {
  @Injectable()
  class RepeatableJobScheduler implements OnApplicationBootstrap {
    private readonly logger = new Logger(`RepeatableJobScheduler(${job.jobId})`);

    constructor(
      @InjectQueue(job.queue) private readonly queue: Queue,
      @Inject(APP_CONFIG) private readonly config: AppConfig,
    ) {}

    onApplicationBootstrap(): Promise<void> {
      const { name, jobId } = job;
      return scheduleRepeatable(
        this.queue,
        { name, jobId, everyMs: job.everyMs(this.config) },
        this.logger,
      );
    }
  }
  return RepeatableJobScheduler;
}

/**
 * Registers a sweeper as ONE Bull repeatable job. Every worker calls this at boot: the fixed
 * `jobId` makes Bull keep one schedule, and each tick is a single job that exactly one worker
 * takes, so the sweep runs once per period across all workers, not once per worker.
 */
export async function scheduleRepeatable(
  queue: Queue,
  job: { name: string; jobId: string; everyMs: number },
  logger: Logger,
): Promise<void> {
  try {
    // A changed interval leaves the old schedule behind: remove it.
    for (const repeatable of await queue.getRepeatableJobs()) {
      if (repeatable.name === job.name && Number(repeatable.every) !== job.everyMs) {
        await queue.removeRepeatableByKey(repeatable.key);
      }
    }
    await queue.add(
      job.name,
      {},
      {
        jobId: job.jobId,
        repeat: { every: job.everyMs },
        attempts: 1,
        removeOnComplete: 100,
        removeOnFail: 100,
      },
    );
  } catch (error) {
    // Redis down at boot: the next worker start registers it; the product works without it.
    logger.error({ err: error, job: job.name }, 'could not schedule a repeatable job');
  }
}
