import { randomUUID } from 'node:crypto';
import { RequestMethod, VersioningType, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import helmet from 'helmet';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { AppModule, type AppModuleOptions } from '../app.module.js';
import type { AppConfig } from '../config/index.js';
import { ProblemDetailsFilter } from '../http/problem-details.filter.js';
import { setupSwagger } from '../http/swagger.js';
import { createValidationPipe } from '../http/validation.js';
import { PinoNestLogger } from '../logging/nest-logger.js';
import { httpMetrics } from '../metrics/http-metrics.middleware.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { requestContext } from '../logging/request-context.js';
import { assertWorkerHandlers } from './worker-app.js';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
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
  configureHttp(app, config, logger);
  await app.init();
  if (config.app.role === 'all') assertWorkerHandlers(app);
  return app;
}

export function configureHttp(
  app: NestExpressApplication,
  config: AppConfig,
  logger: Logger,
): void {
  app.set('trust proxy', config.http.trustProxy);
  app.disable('x-powered-by');
  const off = (process.env.BENCH_OFF ?? '').split(',');
  if (!off.includes('log')) app.use(requestLogging(config, logger));
  if (!off.includes('metrics')) app.use(httpMetrics(app.get(MetricsService)));
  if (!off.includes('helmet')) app.use(helmet());
  if (!off.includes('cors')) app.enableCors({
    origin: config.http.corsOrigins.length > 0 ? config.http.corsOrigins : false,
    exposedHeaders: ['X-Request-Id', 'Retry-After', 'Idempotent-Replayed'],
  });
  if (!off.includes('body')) app.useBodyParser('json', { limit: config.http.bodyLimit });
  if (!off.includes('body')) app.useBodyParser('urlencoded', { limit: config.http.bodyLimit, extended: false });
  configureRouting(app);
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ProblemDetailsFilter());
  if (config.http.docsEnabled) setupSwagger(app);
}

/** `/api/v1/...` for the API; health and metrics stay at the root. */
export function configureRouting(app: INestApplication): void {
  app.setGlobalPrefix('api', { exclude: OUTSIDE_API_PREFIX });
  app.enableVersioning({ type: VersioningType.URI, defaultVersion: '1' });
}

/** Accepts or makes the request id, echoes it, and carries it through the async context. */
function requestLogging(config: AppConfig, logger: Logger) {
  const http = pinoHttp({
    logger,
    autoLogging: config.http.requestLogging,
    quietReqLogger: true,
    genReqId: (req: IncomingMessage, res: ServerResponse) => {
      const given = req.headers['x-request-id'];
      const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
      res.setHeader('X-Request-Id', id);
      return id;
    },
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : 'info'),
    // One short line per request: the full header dump is large and slows every request.
    serializers: {
      req: (req: { method: string; url: string }) => ({ method: req.method, url: req.url }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
    customErrorMessage: (_req, res) => `request failed with status ${res.statusCode}`,
  });
  return (req: IncomingMessage, res: ServerResponse, next: () => void) => {
    http(req, res);
    requestContext.run({ requestId: String((req as { id?: unknown }).id) }, next);
  };
}
