import { DomainError } from '../../common/errors/domain-error.js';

export const fileNotFound = (): DomainError =>
  new DomainError({ kind: 'not-found', code: 'file-not-found', detail: 'No such file.' });

export const fileTypeNotAllowed = (purpose: string, allowed: readonly string[]): DomainError =>
  new DomainError({
    kind: 'invalid',
    code: 'file-type-not-allowed',
    detail: `A ${purpose} must be one of: ${allowed.join(', ')}.`,
    fields: [{ field: 'contentType', message: `must be one of ${allowed.join(', ')}` }],
  });

export const fileTooLarge = (purpose: string, maxBytes: number): DomainError =>
  new DomainError({
    kind: 'too-large',
    code: 'file-too-large',
    detail: `A ${purpose} may have at most ${maxBytes} bytes.`,
    fields: [{ field: 'size', message: `must be at most ${maxBytes}` }],
  });

export const fileQuotaExceeded = (limit: 'count' | 'bytes', quota: number): DomainError =>
  new DomainError({
    kind: 'unprocessable',
    code: 'file-quota-exceeded',
    detail:
      limit === 'count'
        ? `You may keep at most ${quota} files; delete some first.`
        : `Your files may hold at most ${quota} bytes in all; delete some first.`,
  });

/** complete before the bytes were uploaded: the file stays pending, upload then retry. */
export const fileNotUploaded = (): DomainError =>
  new DomainError({
    kind: 'conflict',
    code: 'file-not-uploaded',
    detail: 'Nothing was uploaded for this file yet; upload the bytes to upload.url first.',
  });

export const fileNotReady = (status: string): DomainError =>
  new DomainError({
    kind: 'conflict',
    code: 'file-not-ready',
    detail: `The file is ${status}; its content is available once it is ready.`,
  });

export const fileVariantNotFound = (): DomainError =>
  new DomainError({
    kind: 'not-found',
    code: 'file-variant-not-found',
    detail: 'The file has no such variant.',
  });
