import 'reflect-metadata';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { loadConfigFromEnv } from './src/config/index.js';
import { baseDataSourceOptions } from './src/database/data-source-options.js';
import { cliDatabaseUrl } from './src/database/cli-database-url.js';

/**
 * The DataSource the TypeORM CLI uses (`npm run migration:*`). Entities and migrations are found
 * by glob here (the app lists its migrations explicitly). Built, this file is dist/ormconfig.js
 * and the globs match the compiled .js files.
 */
const config = loadConfigFromEnv();

export default new DataSource({
  ...baseDataSourceOptions(cliDatabaseUrl(config), 2, config.database.migrationTls),
  entities: [join(import.meta.dirname, 'src/**/*.entity.{ts,js}')],
  migrations: [join(import.meta.dirname, 'src/database/migrations/[0-9]*-*.{ts,js}')],
});
