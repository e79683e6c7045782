import { getQueueToken } from '@nestjs/bull';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Queue } from 'bull';
import type { Logger } from 'pino';
import { AppModule, type AppModuleOptions } from '../app.module.js';
import type { AppConfig } from '../config/index.js';
import { PinoNestLogger } from '../logging/nest-logger.js';
import { missingHandlers } from '../queue/job-handlers.check.js';
import { expectedJobs } from '../queue/queues.js';

/** The worker role: the same modules with processors and the outbox relay, no HTTP listener. */
export async function createWorkerApp(
  config: AppConfig,
  logger: Logger,
  options: Omit<AppModuleOptions, 'role'> = {},
): Promise<INestApplicationContext> {
  const app = await NestFactory.createApplicationContext(
    AppModule.forRoot(config, { ...options, role: 'worker' }),
    {
      logger: new PinoNestLogger(logger),
      abortOnError: false,
    },
  );
  await app.init();
  assertWorkerHandlers(app);
  return app;
}

/** A job name nobody handles would wait in Redis forever: refuse to run instead. */
export function assertWorkerHandlers(app: INestApplicationContext): void {
  const expected = expectedJobs();
  const queues = [...expected.keys()].map((name) =>
    app.get<Queue>(getQueueToken(name), { strict: false }),
  );
  const missing = missingHandlers(queues, expected);
  if (missing.length > 0)
    throw new Error(`no handler registered for job(s): ${missing.join(', ')}`);
}
