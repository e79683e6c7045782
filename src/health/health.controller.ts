import { InjectQueue } from '@nestjs/bull';
import { Controller, Get, HttpStatus, Res, VERSION_NEUTRAL } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import {
  HealthCheckService,
  HealthIndicatorService,
  TypeOrmHealthIndicator,
  type HealthCheckResult,
} from '@nestjs/terminus';
import type { Queue } from 'bull';
import type { Response } from 'express';
import { Public } from '../common/auth/public.decorator.js';
import { QUEUES } from '../queue/queues.js';
import { HealthResponseDto, LiveResponseDto } from './health.dto.js';
import { Readiness } from './readiness.js';

const CHECK_TIMEOUT_MS = 1500;

@ApiTags('health')
@Public()
@Controller({ path: 'health', version: VERSION_NEUTRAL })
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly db: TypeOrmHealthIndicator,
    @InjectQueue(QUEUES.outbox.name) private readonly queue: Queue,
    private readonly readiness: Readiness,
  ) {}

  @Get('live')
  @ApiOperation({ summary: 'Liveness: the process is up and serving' })
  @ApiOkResponse({ type: LiveResponseDto })
  live(): LiveResponseDto {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({ summary: 'Readiness: PostgreSQL and Redis are reachable' })
  @ApiOkResponse({ type: HealthResponseDto })
  @ApiServiceUnavailableResponse({ type: HealthResponseDto, description: 'A dependency is down' })
  async ready(
    @Res({ passthrough: true }) res: Response,
  ): Promise<HealthCheckResult | HealthResponseDto> {
    if (this.readiness.draining) {
      res.status(HttpStatus.SERVICE_UNAVAILABLE);
      return { status: 'shutting_down', info: {}, error: {}, details: {} };
    }
    try {
      return await this.health.check([
        () => this.db.pingCheck('database').withTimeout(CHECK_TIMEOUT_MS),
        () =>
          this.indicators
            .check('redis')
            .attempt(() => this.pingRedis())
            .withTimeout(CHECK_TIMEOUT_MS),
      ]);
    } catch (error) {
      // Terminus throws a 503 carrying the per-dependency report: answer with the report itself.
      res.status(HttpStatus.SERVICE_UNAVAILABLE);
      return (error as { getResponse(): HealthCheckResult }).getResponse();
    }
  }

  private async pingRedis(): Promise<void> {
    // While disconnected, ioredis would queue the PING until reconnect: answer "down" at once.
    const status = this.queue.client.status;
    if (status !== 'ready') throw new Error(`redis connection is ${status}`);
    await this.queue.client.ping();
  }
}
