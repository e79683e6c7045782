import type { FileVariant, StoredFile } from '../entities/stored-file.entity.js';
import { fileObjectKey } from './file-events.js';

/**
 * Every object of a file: the original, its variants, and the upload key. The upload key is
 * listed even after complete moved the bytes away, because a client may PUT to its signed URL
 * again until it expires; that object is never read, and goes with the file.
 */
export function objectKeysOf(
  file: Pick<StoredFile, 'id' | 'ownerId' | 'storageKey' | 'variants'>,
): string[] {
  const keys = [
    fileObjectKey(file.ownerId, file.id),
    file.storageKey,
    ...(file.variants ?? []).map((v: FileVariant) => v.key),
  ];
  return [...new Set(keys)];
}
