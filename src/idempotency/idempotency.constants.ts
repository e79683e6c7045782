export const IDEMPOTENT_OPTIONS = 'idempotency:options';

export interface IdempotentOptions {
  /** Refuse the request (400) without an Idempotency-Key header. */
  required: boolean;
}
