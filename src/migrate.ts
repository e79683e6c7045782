import { prepareDatabase } from './bootstrap/prepare-database.js';
import { ConfigError, loadConfigFromEnv } from './config/index.js';
import { createLogger } from './logging/logger.js';

/**
 * Applies pending migrations and exits: the Kubernetes migrations Job (deploy/kubernetes) runs
 * it once per release while the api runs with DB_MIGRATE_ON_BOOT=false. Same configuration as
 * the api (its TLS and timeouts), same advisory lock: two at once apply each migration once.
 */
try {
  const config = loadConfigFromEnv({ DB_MIGRATE_ON_BOOT: 'true' });
  const logger = createLogger(config);
  try {
    await prepareDatabase(config, logger);
    logger.info('migrations up to date');
  } catch (err) {
    logger.fatal({ err }, 'migrations failed');
    process.exitCode = 1;
  }
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exitCode = 1;
}
