import { getQueueToken } from '@nestjs/bull';
import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Job, Queue } from 'bull';
import { Counter, Histogram } from 'prom-client';
import { QUEUES } from '../queue/queues.js';
import { MetricsService } from './metrics.service.js';

export type JobOutcome = 'completed' | 'retrying' | 'failed';

/**
 * Worker role: how long the jobs this process ran took and how they ended. `retrying` is an
 * attempt that failed with attempts left; `failed` is the last attempt failing (the job stays in
 * the failed set, an alert). Bull emits these events in the process that ran the job, so every
 * worker counts its own and Prometheus sums them.
 */
@Injectable()
export class JobMetrics implements OnApplicationBootstrap {
  private readonly duration: Histogram<'queue' | 'job' | 'outcome'>;
  private readonly stalled: Counter<'queue'>;

  constructor(
    metrics: MetricsService,
    private readonly moduleRef: ModuleRef,
  ) {
    this.duration = new Histogram({
      name: 'queue_job_duration_seconds',
      help: 'Bull job run time in this worker, by queue, job name and outcome',
      labelNames: ['queue', 'job', 'outcome'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: [metrics.registry],
    });
    this.stalled = new Counter({
      name: 'queue_jobs_stalled_total',
      help: 'Jobs whose lock ran out (a worker died or blocked) and that this worker re-queued',
      labelNames: ['queue'] as const,
      registers: [metrics.registry],
    });
  }

  onApplicationBootstrap(): void {
    for (const { name } of Object.values(QUEUES)) {
      const queue = this.moduleRef.get<Queue>(getQueueToken(name), { strict: false });
      queue.on('completed', (job: Job) => this.observe(queue.name, job, 'completed'));
      queue.on('failed', (job: Job) => this.observe(queue.name, job, outcomeOfFailure(job)));
      queue.on('stalled', () => this.stalled.inc({ queue: queue.name }));
    }
  }

  private observe(queue: string, job: Job, outcome: JobOutcome): void {
    // A job that failed before it ran (its data could not be read) has no processedOn.
    if (!job.processedOn) return;
    const seconds = Math.max(0, (job.finishedOn ?? Date.now()) - job.processedOn) / 1000;
    this.duration.observe({ queue, job: job.name, outcome }, seconds);
  }
}

function outcomeOfFailure(job: Job): JobOutcome {
  return job.attemptsMade >= (job.opts.attempts ?? 1) ? 'failed' : 'retrying';
}
