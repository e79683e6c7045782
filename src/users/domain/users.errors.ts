import { DomainError } from '../../common/errors/domain-error.js';

/** A missing user and a deleted one are the same answer. */
export const userNotFound = (): DomainError =>
  new DomainError({ kind: 'not-found', code: 'user-not-found', detail: 'No such user.' });

/** A live account already has the email (auth turns it into a mail to the owner). */
export const emailTaken = (): DomainError =>
  new DomainError({
    kind: 'conflict',
    code: 'email-taken',
    detail: 'An account with this email address already exists.',
  });
