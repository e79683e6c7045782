import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { APP_CONFIG, type AppConfig } from '../config/index.js';
import { ProblemException } from '../http/problem.exception.js';
import { METRICS_CHALLENGE, metricsAuthorized } from './metrics-access.js';

/**
 * /metrics on the api's public port: absent (404) when it has its own METRICS_PORT, or in
 * production without METRICS_TOKEN; with a token, only for the scraper that sends it.
 */
@Injectable()
export class MetricsAccessGuard implements CanActivate {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const { onApiPort, token } = this.config.metrics;
    if (!onApiPort) {
      throw new ProblemException({
        status: 404,
        slug: 'not-found',
        detail: 'Metrics are not served on this port.',
      });
    }
    const req = context.switchToHttp().getRequest<Request>();
    if (metricsAuthorized(token, req.headers.authorization)) return true;
    throw new ProblemException({
      status: 401,
      slug: 'unauthenticated',
      detail: 'Metrics need the scraper token: Authorization: Bearer <METRICS_TOKEN>.',
      headers: { 'WWW-Authenticate': METRICS_CHALLENGE },
    });
  }
}
