// Outbox events about accounts that several feature modules consume. They live here, not in
// auth or users, so that a module lower in the import graph (files, sync) can subscribe without
// importing the module that publishes them.

/** Outbox event: an account was deleted (published in the deleting transaction). */
export const ACCOUNT_DELETED = 'account.deleted';

/** The payload of ACCOUNT_DELETED. Consumers erase what they keep for the user, idempotently. */
export interface AccountDeletedPayload {
  userId: string;
  deletedAt: string;
}
