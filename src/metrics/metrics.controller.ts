import { Controller, Get, Header, UseGuards, VERSION_NEUTRAL } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '../common/auth/public.decorator.js';
import { METRICS_CONTENT_TYPE } from './metrics-access.js';
import { MetricsAccessGuard } from './metrics-access.guard.js';
import { MetricsService } from './metrics.service.js';

@ApiTags('ops')
@Public()
@Controller({ path: 'metrics', version: VERSION_NEUTRAL })
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  @Get()
  @UseGuards(MetricsAccessGuard)
  @ApiOperation({
    summary: 'Prometheus metrics',
    description:
      'Process, HTTP and queue metrics in the Prometheus text format, for the scraper only: ' +
      'with METRICS_TOKEN set it needs `Authorization: Bearer <METRICS_TOKEN>` (401 without); ' +
      'with METRICS_PORT set it is served on that port and this path answers 404 (so does it ' +
      'in production when neither is set).',
  })
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'Prometheus text exposition format', schema: { type: 'string' } })
  @ApiResponse({ status: 401, description: 'METRICS_TOKEN is set and the scrape did not send it' })
  @ApiResponse({
    status: 404,
    description: 'Not on this port: METRICS_PORT is set, or production without METRICS_TOKEN',
  })
  @Header('Content-Type', METRICS_CONTENT_TYPE)
  scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
