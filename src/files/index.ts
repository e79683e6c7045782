export { FilesModule } from './files.module.js';
export { FilesWorkerModule } from './files-worker.module.js';
export {
  FILES_DELETED,
  FILES_UPLOADED,
  fileObjectKey,
  type FilesDeletedPayload,
  type FilesUploadedPayload,
} from './domain/file-events.js';
