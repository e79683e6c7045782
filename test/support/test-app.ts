import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import { pino } from 'pino';
import request from 'supertest';
import type { Clock } from '../../src/common/clock.js';
import { createHttpApp } from '../../src/bootstrap/http-app.js';
import { createWorkerApp } from '../../src/bootstrap/worker-app.js';
import { loadConfigFromEnv, type AppConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/logging/logger.js';

export interface TestApp {
  app: INestApplication;
  config: AppConfig;
  http: ReturnType<typeof request>;
  close(): Promise<void>;
}

/** The real application (api + worker roles unless told otherwise) on the run's database and Redis. */
export async function createTestApp(
  env: Record<string, string> = {},
  options: { clock?: Clock } = {},
): Promise<TestApp> {
  const config = loadConfigFromEnv({ APP_ROLE: 'all', ...env });
  const app = await createHttpApp(config, createLogger(config), options);
  return { app, config, http: request(app.getHttpServer()), close: () => app.close() };
}

export async function createTestWorker(
  env: Record<string, string> = {},
  options: { clock?: Clock } = {},
): Promise<INestApplicationContext> {
  const config = loadConfigFromEnv({ APP_ROLE: 'worker', ...env });
  return createWorkerApp(config, pino({ level: config.log.level }), options);
}
