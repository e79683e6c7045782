/** Our stable provider idempotency keys, derived from ids persisted before each call. */
export const providerKeys = {
  create: (paymentId: string) => `payment:${paymentId}:create`,
  confirm: (paymentId: string, attempt: number) => `payment:${paymentId}:confirm:${attempt}`,
  cancel: (paymentId: string) => `payment:${paymentId}:cancel`,
  refund: (refundId: string) => `refund:${refundId}`,
};
