/**
 * A delivery that can never succeed as addressed (rejected mailbox, malformed address, dead
 * push token). The processor fails it at once instead of letting Bull retry; every other error
 * a transport throws is transient and retried with backoff.
 */
export class PermanentDeliveryError extends Error {
  override readonly name: string = 'PermanentDeliveryError';

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
  }
}

/** The push provider no longer knows the device token: the caller deletes the device. */
export class PushTokenUnregisteredError extends PermanentDeliveryError {
  override readonly name: string = 'PushTokenUnregisteredError';
}
