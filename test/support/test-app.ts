import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import { pino } from 'pino';
import request from 'supertest';
import type { Clock } from '../../src/common/clock.js';
import { createHttpApp } from '../../src/bootstrap/http-app.js';
import { createWorkerApp } from '../../src/bootstrap/worker-app.js';
import { loadConfigFromEnv, type AppConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/logging/logger.js';
import { SignedInClient, type Http, type Signed } from './http-client.js';

export interface TestApp {
  app: INestApplication;
  config: AppConfig;
  /** Unauthenticated requests. */
  http: Http;
  /** Requests with this user's bearer token: `t.asUser(ann).get('/api/v1/users/me')`. */
  asUser(user: Signed): SignedInClient;
  /** Requests with a bare bearer token (one just issued, or a forged one). */
  withToken(accessToken: string): SignedInClient;
  close(): Promise<void>;
}

/** A `TestApp` over an application the caller built (its own logger, say). */
export function testAppOf(app: INestApplication, config: AppConfig): TestApp {
  const t: TestApp = {
    app,
    config,
    http: request(app.getHttpServer()),
    asUser: (user) => t.withToken(user.accessToken),
    withToken: (accessToken) => new SignedInClient(() => t.http, accessToken),
    close: () => app.close(),
  };
  return t;
}

/** The real application (api + worker roles unless told otherwise) on the run's database and Redis. */
export async function createTestApp(
  env: Record<string, string> = {},
  options: { clock?: Clock } = {},
): Promise<TestApp> {
  const config = loadConfigFromEnv({ APP_ROLE: 'all', ...env });
  const app = await createHttpApp(config, createLogger(config), options);
  return testAppOf(app, config);
}

export async function createTestWorker(
  env: Record<string, string> = {},
  options: { clock?: Clock } = {},
): Promise<INestApplicationContext> {
  const config = loadConfigFromEnv({ APP_ROLE: 'worker', ...env });
  return createWorkerApp(config, pino({ level: config.log.level }), options);
}
