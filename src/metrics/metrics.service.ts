import { getQueueToken } from '@nestjs/bull';
import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Queue } from 'bull';
import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { QUEUES } from '../queue/queues.js';

/** Prometheus metrics of this process: runtime, HTTP latency, queue depth (read at scrape time). */
@Injectable()
export class MetricsService implements OnModuleDestroy {
  readonly registry = new Registry();
  readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  constructor(moduleRef: ModuleRef) {
    collectDefaultMetrics({ register: this.registry });
    // Looked up at the first scrape: Bull's queue providers are not resolved yet at construction.
    let queues: Queue[] | null = null;
    const allQueues = () =>
      (queues ??= Object.values(QUEUES).map((q) =>
        moduleRef.get<Queue>(getQueueToken(q.name), { strict: false }),
      ));
    new Gauge({
      name: 'queue_jobs',
      help: 'Bull jobs by queue and state',
      labelNames: ['queue', 'state'] as const,
      registers: [this.registry],
      async collect() {
        for (const queue of allQueues()) {
          if (queue.client.status !== 'ready') continue;
          const counts = await queue.getJobCounts();
          for (const [state, count] of Object.entries(counts))
            this.set({ queue: queue.name, state }, count);
        }
      },
    });
  }

  onModuleDestroy(): void {
    this.registry.clear();
  }
}
