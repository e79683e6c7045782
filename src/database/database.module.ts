import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { AppConfig } from '../config/index.js';
import { baseDataSourceOptions } from './data-source-options.js';

@Module({})
export class DatabaseModule {
  static forRoot(config: AppConfig): DynamicModule {
    if (!config.database.url) throw new Error('database.url is not resolved');
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRoot({
          ...baseDataSourceOptions(config.database.url, config.database.poolSize),
          // Migrations run before the app is built (bootstrap), under an advisory lock.
          migrationsRun: false,
          autoLoadEntities: true,
          // Fail fast: an unreachable database should stop the boot in seconds, not half a minute.
          retryAttempts: 2,
          retryDelay: 1000,
        }),
      ],
    };
  }
}
