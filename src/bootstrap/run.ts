import type { INestApplicationContext } from '@nestjs/common';
import type { Logger } from 'pino';
import {
  ConfigError,
  DEVELOPMENT_JWT_SECRET,
  DEVELOPMENT_MFA_KEY,
  loadConfigFromEnv,
  type AppConfig,
  type AppRole,
} from '../config/index.js';
import { Readiness } from '../health/readiness.js';
import { startWorkerHealthServer } from '../health/worker-health.server.js';
import { createLogger } from '../logging/logger.js';
import { HttpDrain } from './http-drain.js';
import { createHttpApp } from './http-app.js';
import { resolveServices, type ResolvedServices } from './local-services.js';
import { prepareDatabase } from './prepare-database.js';
import { createWorkerApp } from './worker-app.js';

/** Boots one process (api, worker or both) and shuts it down gracefully on SIGTERM/SIGINT. */
export async function run(role?: AppRole): Promise<void> {
  const config = configOrExit(role);
  const logger = createLogger(config);
  process.on('unhandledRejection', (err) => logger.error({ err }, 'unhandled promise rejection'));
  if (config.auth.jwtSecret === DEVELOPMENT_JWT_SECRET) {
    logger.warn('JWT_SECRET is not set: using the fixed development secret (never in production)');
  }
  if (config.mfa.encryptionKey === DEVELOPMENT_MFA_KEY) {
    logger.warn(
      'MFA_ENCRYPTION_KEY is not set: using the fixed development key (never in production)',
    );
  }
  let services: ResolvedServices | undefined;
  try {
    services = await resolveServices(config, logger);
    await prepareDatabase(services.config, logger);
    const started = await start(services.config, logger);
    onShutdownSignal(started, services, config, logger);
  } catch (err) {
    logger.fatal({ err }, 'failed to start');
    await services?.stop();
    process.exit(1);
  }
}

interface Started {
  app: INestApplicationContext;
  /** api and all roles: the HTTP listener's graceful drain. */
  http?: HttpDrain;
}

async function start(config: AppConfig, logger: Logger): Promise<Started> {
  if (config.app.role === 'worker') {
    const worker = await createWorkerApp(config, logger);
    const healthPort = config.app.workerHealthPort;
    if (healthPort) {
      const server = await startWorkerHealthServer(worker, healthPort);
      // Closed first on shutdown: from then on the worker reports itself gone.
      process.once('SIGTERM', () => server.close());
    }
    logger.info({ healthPort }, 'worker started');
    return { app: worker };
  }
  const app = await createHttpApp(config, logger);
  const http = new HttpDrain(app.getHttpServer());
  await app.listen(config.http.port);
  logger.info(
    {
      port: config.http.port,
      docs: config.http.docsEnabled ? '/docs' : null,
    },
    'api listening',
  );
  return { app, http };
}

function configOrExit(role?: AppRole): AppConfig {
  try {
    return loadConfigFromEnv(role ? { APP_ROLE: role } : {});
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}

/**
 * api: readiness 503 at once, idle connections closed and every answer from now on with
 * `Connection: close`; after SHUTDOWN_READINESS_DELAY_MS the listener closes and in-flight
 * requests finish. Then (every role) queues and connections close, local services stop, exit 0;
 * all of it bounded by SHUTDOWN_TIMEOUT_MS.
 */
function onShutdownSignal(
  { app, http }: Started,
  services: ResolvedServices,
  config: AppConfig,
  logger: Logger,
): void {
  let stopping = false;
  const shutdown = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const deadline = setTimeout(() => {
      logger.error({ timeoutMs: config.app.shutdownTimeoutMs }, 'shutdown timed out; exiting');
      process.exit(1);
    }, config.app.shutdownTimeoutMs);
    deadline.unref();
    try {
      if (http) await drainHttp(app, http, config);
      await app.close();
      http?.closeAll();
      await services.stop();
      logger.info('stopped');
      process.exit(0);
    } catch (err) {
      logger.error({ err }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.once('SIGTERM', (s) => void shutdown(s));
  process.once('SIGINT', (s) => void shutdown(s));
}

async function drainHttp(
  app: INestApplicationContext,
  http: HttpDrain,
  config: AppConfig,
): Promise<void> {
  app.get(Readiness, { strict: false }).drain();
  http.drain();
  const delayMs = config.app.shutdownReadinessDelayMs;
  if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
  http.stopAccepting();
  await http.finished();
}
