import type { FileVariant, StoredFile } from '../entities/stored-file.entity.js';

/** Every object of a file: the original and its variants. */
export function objectKeysOf(file: Pick<StoredFile, 'storageKey' | 'variants'>): string[] {
  return [file.storageKey, ...(file.variants ?? []).map((v: FileVariant) => v.key)];
}
