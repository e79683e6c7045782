import { Module, type DynamicModule } from '@nestjs/common';
import type { AppConfig, AppRole } from '../config/index.js';
import { JobMetrics } from './job-metrics.js';
import { MetricsAccessGuard } from './metrics-access.guard.js';
import { MetricsController } from './metrics.controller.js';
import { MetricsServer } from './metrics-server.js';
import { MetricsService } from './metrics.service.js';

/**
 * Prometheus metrics in every role: the api serves them on its port (MetricsController, behind
 * MetricsAccessGuard) or on METRICS_PORT (MetricsServer); the worker adds its job metrics and
 * serves them on its health port (src/health/worker-health.server.ts).
 */
@Module({})
export class MetricsModule {
  static forRoot(config: AppConfig, role: AppRole): DynamicModule {
    const http = role !== 'worker';
    const worker = role !== 'api';
    return {
      module: MetricsModule,
      controllers: http ? [MetricsController] : [],
      providers: [
        MetricsService,
        ...(http ? [MetricsAccessGuard] : []),
        ...(http && config.metrics.port !== null ? [MetricsServer] : []),
        ...(worker ? [JobMetrics] : []),
      ],
      exports: [MetricsService],
    };
  }
}
