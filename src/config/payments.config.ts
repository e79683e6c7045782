import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { ConfigError } from './config.error.js';
import { int, list, type EnvOf } from './env.helpers.js';

/** Variables of the payments module (and of the reusable idempotency-key store). */
export const paymentsEnv = {
  PAYMENTS_PROVIDER: z.enum(['sandbox', 'stripe']).default('sandbox'),
  /** ISO 4217 codes accepted for new payments, comma-separated. */
  PAYMENTS_CURRENCIES: list
    .pipe(z.array(z.string().regex(/^[A-Za-z]{3}$/, 'three-letter ISO 4217 codes')).min(1))
    .default(['usd', 'eur', 'gbp']),
  STRIPE_SECRET_KEY: z.string().min(8).optional(),
  STRIPE_WEBHOOK_SECRET: z.string().min(8).optional(),
  /** Stripe API host override (tests point the SDK at a local HTTP server). */
  STRIPE_API_HOST: z.string().min(1).optional(),
  STRIPE_API_PORT: int(1, 65535).optional(),
  STRIPE_API_PROTOCOL: z.enum(['http', 'https']).optional(),
  STRIPE_TIMEOUT_MS: int(100, 120_000).default(10_000),
  STRIPE_MAX_NETWORK_RETRIES: int(0, 10).default(2),
  /** Where customers return after a redirect-based payment method; unset disables redirects. */
  STRIPE_RETURN_URL: z.url().optional(),
  SANDBOX_WEBHOOK_SECRET: z.string().min(16).optional(),
  /** How long `pm_card_processing` stays processing in the sandbox. */
  SANDBOX_SETTLE_DELAY_MS: int(0, 3_600_000).default(3_000),
  /** How often the reconciliation job runs (one run per tick across all workers). */
  PAYMENTS_RECONCILE_EVERY_MS: int(1_000, 3_600_000).default(15_000),
  /** A payment unchanged this long in processing / requires_* is re-checked with the provider. */
  PAYMENTS_STUCK_AFTER_MS: int(1_000, 7 * 24 * 3_600_000).default(5 * 60_000),
};

export const DEVELOPMENT_SANDBOX_WEBHOOK_SECRET = 'whsec_sandbox_development_only_0000';

type PaymentsEnv = EnvOf<typeof paymentsEnv> & { NODE_ENV: 'development' | 'test' | 'production' };

export function paymentsConfig(env: PaymentsEnv) {
  const production = env.NODE_ENV === 'production';
  if (production && env.PAYMENTS_PROVIDER === 'stripe') {
    const missing = (['STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET'] as const).filter(
      (name) => env[name] === undefined,
    );
    if (missing.length > 0) {
      throw new ConfigError(
        missing.map(
          (name) => `${name}: required when NODE_ENV=production and PAYMENTS_PROVIDER=stripe`,
        ),
      );
    }
  }
  if (
    env.PAYMENTS_PROVIDER === 'stripe' &&
    (!env.STRIPE_SECRET_KEY || !env.STRIPE_WEBHOOK_SECRET)
  ) {
    throw new ConfigError([
      'STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET: required when PAYMENTS_PROVIDER=stripe',
    ]);
  }
  return {
    provider: env.PAYMENTS_PROVIDER,
    currencies: [...new Set(env.PAYMENTS_CURRENCIES.map((c) => c.toLowerCase()))],
    stripe: {
      secretKey: env.STRIPE_SECRET_KEY ?? null,
      webhookSecret: env.STRIPE_WEBHOOK_SECRET ?? null,
      host: env.STRIPE_API_HOST,
      port: env.STRIPE_API_PORT,
      protocol: env.STRIPE_API_PROTOCOL,
      timeoutMs: env.STRIPE_TIMEOUT_MS,
      maxNetworkRetries: env.STRIPE_MAX_NETWORK_RETRIES,
      returnUrl: env.STRIPE_RETURN_URL,
    },
    sandbox: {
      // No known default in production: a per-process random secret. The sandbox signs and
      // verifies its own events in process, so that still works, and nobody can forge one.
      webhookSecret:
        env.SANDBOX_WEBHOOK_SECRET ??
        (production ? randomBytes(32).toString('hex') : DEVELOPMENT_SANDBOX_WEBHOOK_SECRET),
      settleDelayMs: env.SANDBOX_SETTLE_DELAY_MS,
    },
    reconcileEveryMs: env.PAYMENTS_RECONCILE_EVERY_MS,
    stuckAfterMs: env.PAYMENTS_STUCK_AFTER_MS,
  };
}
export type PaymentsConfig = ReturnType<typeof paymentsConfig>;
