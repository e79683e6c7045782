import { Global, Module, type FactoryProvider } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { APP_CONFIG, type AppConfig } from '../config/index.js';
import { LocalObjectStorage } from './local/local-object-storage.js';
import { LocalStorageController } from './local/local-storage.controller.js';
import { ObjectStorage } from './object-storage.js';
import { S3ObjectStorage } from './s3/s3-object-storage.js';

/** The adapter STORAGE_DRIVER names. */
export const objectStorageFactory: FactoryProvider<ObjectStorage> = {
  provide: ObjectStorage,
  inject: [APP_CONFIG, Clock],
  useFactory: (config: AppConfig, clock: Clock): ObjectStorage => {
    const storage = config.storage;
    if (storage.driver === 's3') return new S3ObjectStorage({ ...storage.s3, clock });
    return new LocalObjectStorage({ ...storage.local, clock });
  },
};

/**
 * Object storage for every module (files; users' avatar URLs). The local driver's signed routes
 * are served here too; with the S3 driver they answer 404.
 */
@Global()
@Module({
  controllers: [LocalStorageController],
  providers: [objectStorageFactory],
  exports: [ObjectStorage],
})
export class StorageModule {}
