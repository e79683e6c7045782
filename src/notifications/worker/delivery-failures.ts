import type { RetryAfterHint } from '../../queue/backoff.js';

/**
 * Another worker holds the claim on this delivery. Bull retries the job when that claim runs out
 * (`retryAfterMs`, read by the queue's backoff strategy): at once after a dead worker's lease,
 * again if the holder is alive and still renewing it.
 */
export class DeliveryBusyError extends Error implements RetryAfterHint {
  override readonly name = 'DeliveryBusyError';
  readonly code = 'DELIVERY_BUSY';

  constructor(
    deliveryId: string,
    readonly retryAfterMs: number,
  ) {
    super(`delivery ${deliveryId} is being sent by another worker`);
  }
}

/** A transient push failure on some devices, after others were sent to. */
export class PartialPushError extends Error {
  override readonly name = 'PartialPushError';
}

const ERROR_MAX = 2000;

export function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** A machine-readable cause: SMTP's code and reply code, a socket's errno, or the error's name. */
export function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code !== '') return code;
  return error instanceof Error ? error.name : 'unknown';
}

export function errorFields(error: unknown): { code: string; responseCode?: number } {
  const responseCode = (error as { responseCode?: unknown } | null)?.responseCode;
  return typeof responseCode === 'number'
    ? { code: errorCode(error), responseCode }
    : { code: errorCode(error) };
}

/** An error text cut to what the last_error column keeps. */
export function truncate(text: string | null): string | null {
  return text && text.length > ERROR_MAX ? `${text.slice(0, ERROR_MAX - 1)}…` : text;
}
