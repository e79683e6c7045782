import { z } from 'zod';
import type { EnvOf } from './env.helpers.js';

/** Variables of the payments module. */
export const paymentsEnv = {
  PAYMENTS_PROVIDER: z.enum(['sandbox', 'stripe']).default('sandbox'),
};

type PaymentsEnv = EnvOf<typeof paymentsEnv>;

export function paymentsConfig(env: PaymentsEnv) {
  return { provider: env.PAYMENTS_PROVIDER };
}
export type PaymentsConfig = ReturnType<typeof paymentsConfig>;
