import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from '../src/app.module.js';
import { configureRouting } from '../src/bootstrap/http-app.js';
import { loadConfig } from '../src/config/index.js';
import { buildOpenApiDocument } from '../src/http/swagger.js';
import { createLogger } from '../src/logging/logger.js';

/**
 * Writes openapi.json from the code, without PostgreSQL or Redis: Nest's preview mode builds the
 * module graph and routes but instantiates no provider, so nothing connects. CI regenerates the
 * file and fails on a diff.
 */
const config = loadConfig({
  NODE_ENV: 'development',
  APP_ROLE: 'api',
  DATABASE_URL: 'postgres://openapi@127.0.0.1:1/openapi',
  REDIS_URL: 'redis://127.0.0.1:1',
  LOG_LEVEL: 'warn',
});
const logger = createLogger(config);
const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
  preview: true,
  logger: false,
});
configureRouting(app);
const document = buildOpenApiDocument(app);
const target = process.argv[2] ?? 'openapi.json';
writeFileSync(target, `${JSON.stringify(document, null, 2)}\n`);
logger.info({ target, paths: Object.keys(document.paths).length }, 'OpenAPI document written');
await app.close();
