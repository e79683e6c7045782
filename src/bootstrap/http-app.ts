import { RequestMethod, VersioningType, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { json, type Express } from 'express';
import type { IncomingMessage } from 'node:http';
import type { Logger } from 'pino';
import { AppModule, type AppModuleOptions } from '../app.module.js';
import type { AppConfig } from '../config/index.js';
import { cacheControl } from '../http/cache-control.js';
import { finalErrorHandler, notFound } from '../http/fallback-handlers.js';
import { inputLimits, scanJsonShape } from '../http/input-limits.js';
import { ErrorLog } from '../http/error-log.js';
import { jsonBodiesOnly } from '../http/json-bodies.js';
import { ProblemDetailsFilter } from '../http/problem-details.filter.js';
import { securityHeaders } from '../http/security-headers.js';
import { setupSwagger } from '../http/swagger.js';
import { createValidationPipe } from '../http/validation.js';
import { PinoNestLogger } from '../logging/nest-logger.js';
import { httpMetrics } from '../metrics/http-metrics.middleware.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { mountConsoleApi } from '../ops/console/console-api.js';
import { mountConsoleApp } from '../ops/console/console-static.js';
import { mountQueueDashboard } from '../ops/queue-dashboard.js';
import { requestLogging } from '../logging/request-logging.js';
import { assertWorkerHandlers } from './worker-app.js';

const OUTSIDE_API_PREFIX = ['health/live', 'health/ready', 'metrics'].map((path) => ({
  path,
  method: RequestMethod.GET,
}));

/** The HTTP application (api role, or all), configured but not listening. */
export async function createHttpApp(
  config: AppConfig,
  logger: Logger,
  options: AppModuleOptions = {},
): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, options), {
    rawBody: true,
    logger: new PinoNestLogger(logger),
    abortOnError: false,
  });
  const errors = new ErrorLog(logger);
  configureHttp(app, config, logger, errors);
  await app.init();
  // After Nest's routes: unknown paths outside /api and errors of plain Express middleware
  // (the queue dashboard) still answer problem+json.
  const server = app.getHttpAdapter().getInstance() as Express;
  server.use(notFound);
  server.use(finalErrorHandler(errors));
  if (config.app.role === 'all') assertWorkerHandlers(app);
  return app;
}

export function configureHttp(
  app: NestExpressApplication,
  config: AppConfig,
  logger: Logger,
  errors = new ErrorLog(logger),
): void {
  app.set('trust proxy', config.http.trustProxy);
  app.disable('x-powered-by');
  // Express 5's default, pinned: flat keys only (`?a[b]=1` is the key "a[b]"), no qs nesting.
  app.set('query parser', 'simple');
  app.use(requestLogging(logger, { autoLogging: config.http.requestLogging }));
  app.use(httpMetrics(app.get(MetricsService)));
  app.use(cacheControl());
  // Before helmet: bull-board's page needs its inline script (helmet's CSP would block it).
  mountQueueDashboard(app);
  app.use(securityHeaders());
  app.enableCors({
    origin: config.http.corsOrigins.length > 0 ? config.http.corsOrigins : false,
    exposedHeaders: ['X-Request-Id', 'Retry-After', 'Idempotent-Replayed'],
  });
  app.use(json({ limit: config.http.bodyLimit, verify: checkJsonBody }));
  app.useBodyParser('urlencoded', { limit: config.http.bodyLimit, extended: false });
  app.use(inputLimits());
  app.use(jsonBodiesOnly());
  // The admin console: its own CSP for the page, its session API, and its requests to the REST
  // API rewritten onto the routes below (src/ops/console).
  mountConsoleApp(app, config);
  mountConsoleApi(app);
  configureRouting(app);
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ProblemDetailsFilter(errors));
  if (config.http.docsEnabled) setupSwagger(app);
}

/**
 * The JSON parser's hook on the raw bytes: keeps them for webhook signatures (what Nest's
 * `rawBody` option would do, which an own `verify` replaces) and rejects a hostile shape before
 * JSON.parse spends time on it.
 */
function checkJsonBody(req: IncomingMessage, _res: unknown, body: Buffer): void {
  (req as IncomingMessage & { rawBody?: Buffer }).rawBody = body;
  scanJsonShape(body);
}

/** `/api/v1/...` for the API; health and metrics stay at the root. */
export function configureRouting(app: INestApplication): void {
  app.setGlobalPrefix('api', { exclude: OUTSIDE_API_PREFIX });
  app.enableVersioning({ type: VersioningType.URI, defaultVersion: '1' });
}
