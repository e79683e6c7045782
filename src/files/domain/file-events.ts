/**
 * Outbox events of the files module. `files.uploaded` is published when an image's bytes passed
 * the checks of complete (status `processing`): the worker decodes, re-encodes and makes the
 * variants. `files.deleted` carries object keys to delete (a deleted file, a rejected upload):
 * the consumer deletes them idempotently.
 */
export const FILES_UPLOADED = 'files.uploaded';
export const FILES_DELETED = 'files.deleted';

export interface FilesUploadedPayload {
  fileId: string;
}

export interface FilesDeletedPayload {
  keys: string[];
}

/**
 * Object keys: `files/<ownerId>/<fileId>/original` for the uploaded bytes, beside it
 * `files/<ownerId>/<fileId>/<variant>` for each derived object.
 */
export function fileObjectKey(ownerId: string, fileId: string, name = 'original'): string {
  return `files/${ownerId}/${fileId}/${name}`;
}
