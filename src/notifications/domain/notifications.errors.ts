import { DomainError } from '../../common/errors/domain-error.js';
import { SECURITY_EMAIL_REQUIRED } from './preferences.js';

// The not-found codes stay `not-found`: clients already see `urn:problem:not-found` for them.
export const notificationNotFound = (): DomainError =>
  new DomainError({ kind: 'not-found', code: 'not-found', detail: 'No such notification.' });

export const deviceNotFound = (): DomainError =>
  new DomainError({ kind: 'not-found', code: 'not-found', detail: 'No such device.' });

export const broadcastNotFound = (): DomainError =>
  new DomainError({ kind: 'not-found', code: 'not-found', detail: 'No such broadcast.' });

/** A preferences change the rules refuse; `reason` is the sentence the rule gave. */
export const preferencesRefused = (reason: string): DomainError =>
  new DomainError({
    kind: 'invalid',
    code: reason === SECURITY_EMAIL_REQUIRED ? 'security-email-required' : 'invalid-preferences',
    detail: reason,
  });

export const invalidStreamTicket = (): DomainError =>
  new DomainError({
    kind: 'unauthenticated',
    code: 'invalid-stream-ticket',
    detail: 'The stream ticket is unknown, used or expired; request a new one.',
  });

export const deliveryNotFound = (): DomainError =>
  new DomainError({ kind: 'not-found', code: 'not-found', detail: 'No such delivery.' });

/** Only a failed delivery can be retried (a queued or sending one is already on its way). */
export const deliveryNotRetryable = (status: string): DomainError =>
  new DomainError({
    kind: 'conflict',
    code: 'delivery-not-retryable',
    detail: `Only a failed delivery can be retried; this one is ${status}.`,
  });
