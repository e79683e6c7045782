import type { INestApplicationContext } from '@nestjs/common';
import type { Logger } from 'pino';
import {
  ConfigError,
  DEVELOPMENT_JWT_SECRET,
  loadConfigFromEnv,
  type AppConfig,
  type AppRole,
} from '../config/index.js';
import { startWorkerHealthServer } from '../health/worker-health.server.js';
import { createLogger } from '../logging/logger.js';
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
  let services: ResolvedServices | undefined;
  try {
    services = await resolveServices(config, logger);
    await prepareDatabase(services.config, logger);
    const app = await start(services.config, logger);
    onShutdownSignal(app, services, config, logger);
  } catch (err) {
    logger.fatal({ err }, 'failed to start');
    await services?.stop();
    process.exit(1);
  }
}

async function start(config: AppConfig, logger: Logger): Promise<INestApplicationContext> {
  if (config.app.role === 'worker') {
    const worker = await createWorkerApp(config, logger);
    const healthPort = config.app.workerHealthPort;
    if (healthPort) {
      const server = await startWorkerHealthServer(worker, healthPort);
      // Closed first on shutdown: from then on the worker reports itself gone.
      process.once('SIGTERM', () => server.close());
    }
    logger.info({ healthPort }, 'worker started');
    return worker;
  }
  const app = await createHttpApp(config, logger);
  await app.listen(config.http.port);
  logger.info(
    {
      port: config.http.port,
      docs: config.http.docsEnabled ? '/docs' : null,
    },
    'api listening',
  );
  return app;
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
 * Stop taking work, let in-flight requests and jobs finish (bounded by SHUTDOWN_TIMEOUT_MS),
 * close queues and connections, stop local services, exit 0.
 */
function onShutdownSignal(
  app: INestApplicationContext,
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
      await app.close();
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
