import { DomainError } from '../../common/errors/domain-error.js';
import { toStoredChange, type SyncChangeView } from './sync-views.js';

export const syncDocumentNotFound = (): DomainError =>
  new DomainError({
    kind: 'not-found',
    code: 'sync-document-not-found',
    detail: 'No such document.',
  });

/** If-Match / If-None-Match did not hold: the problem carries the server's state. */
export const syncPreconditionFailed = (current: SyncChangeView | null): DomainError =>
  new DomainError({
    kind: 'precondition-failed',
    code: 'sync-precondition-failed',
    detail: current
      ? `The document is at rev ${current.rev}${current.deleted ? ' (deleted)' : ''}; see current.`
      : 'The document does not exist.',
    extensions: {
      current: current && toStoredChange(current),
    },
  });

export const syncInvalidPrecondition = (detail: string): DomainError =>
  new DomainError({
    kind: 'invalid',
    code: 'sync-invalid-precondition',
    detail: `The conditional headers are invalid: ${detail}.`,
  });

export const syncInvalidValue = (field: string, message: string): DomainError =>
  new DomainError({
    kind: 'invalid',
    code: 'validation-failed',
    detail: 'The request is invalid; see errors.',
    fields: [{ field, message }],
  });

export const syncValueTooLarge = (field: string, size: number, limit: number): DomainError =>
  new DomainError({
    kind: 'too-large',
    code: 'sync-value-too-large',
    detail: `The value is ${size} bytes of JSON; the limit is ${limit} bytes (SYNC_MAX_VALUE_BYTES).`,
    fields: [{ field, message: `must be at most ${limit} bytes of JSON` }],
  });

export const syncBatchTooLarge = (count: number, limit: number): DomainError =>
  new DomainError({
    kind: 'too-large',
    code: 'sync-batch-too-large',
    detail: `The batch has ${count} mutations; the limit is ${limit} (SYNC_MAX_BATCH_MUTATIONS).`,
    fields: [{ field: 'mutations', message: `must have at most ${limit} mutations` }],
  });

export const syncDocumentQuotaExceeded = (field: string, limit: number): DomainError =>
  new DomainError({
    kind: 'conflict',
    code: 'sync-document-quota-exceeded',
    detail: `You have ${limit} live documents, the limit (SYNC_MAX_DOCUMENTS): delete some first.`,
    fields: [{ field, message: `would exceed ${limit} live documents` }],
  });

export const syncStorageQuotaExceeded = (field: string, limit: number): DomainError =>
  new DomainError({
    kind: 'conflict',
    code: 'sync-storage-quota-exceeded',
    detail: `Your documents would take more than ${limit} bytes, the limit (SYNC_MAX_BYTES_PER_USER).`,
    fields: [{ field, message: `would exceed ${limit} bytes in all` }],
  });

export const syncCursorExpired = (): DomainError =>
  new DomainError({
    kind: 'gone',
    code: 'sync-cursor-expired',
    detail:
      'Changes after this cursor include deletions no longer kept: resync from the beginning (omit since).',
  });

export const syncDuplicateMutation = (field: string): DomainError =>
  new DomainError({
    kind: 'invalid',
    code: 'validation-failed',
    detail: 'The request is invalid; see errors.',
    fields: [{ field, message: 'mutation ids must be unique within a batch' }],
  });
