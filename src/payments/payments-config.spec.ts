import { describe, expect, it } from '@jest/globals';
import { loadConfig } from '../config/app-config.js';
import { ConfigError } from '../config/config.error.js';
import { DEVELOPMENT_SANDBOX_WEBHOOK_SECRET } from '../config/payments.config.js';

const production = {
  NODE_ENV: 'production',
  DATABASE_URL: 'postgres://u:p@db/app',
  REDIS_URL: 'redis://redis:6379',
  JWT_SECRET: 'x'.repeat(40),
  SMTP_URL: 'smtp://mail:587',
  MFA_ENCRYPTION_KEY: 'm'.repeat(40),
  STORAGE_ALLOW_LOCAL_IN_PRODUCTION: 'true',
};

function problems(source: Record<string, string>): string[] {
  try {
    loadConfig(source);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('payments configuration', () => {
  it('defaults to the sandbox with a currency allowlist', () => {
    const config = loadConfig({});
    expect(config.payments.provider).toBe('sandbox');
    expect(config.payments.currencies).toEqual(['usd', 'eur', 'gbp']);
  });

  it('normalises the currency allowlist and rejects malformed codes', () => {
    expect(loadConfig({ PAYMENTS_CURRENCIES: 'USD, chf' }).payments.currencies).toEqual([
      'usd',
      'chf',
    ]);
    expect(problems({ PAYMENTS_CURRENCIES: 'dollars' })).toEqual([
      expect.stringMatching(/^PAYMENTS_CURRENCIES/),
    ]);
  });

  it('refuses to start Stripe in production without its secrets', () => {
    expect(
      problems({
        ...production,
        SANDBOX_WEBHOOK_SECRET: 'y'.repeat(20),
        PAYMENTS_PROVIDER: 'stripe',
      }),
    ).toEqual([
      expect.stringMatching(/^STRIPE_SECRET_KEY: required/),
      expect.stringMatching(/^STRIPE_WEBHOOK_SECRET: required/),
    ]);
    const ok = loadConfig({
      ...production,
      PAYMENTS_PROVIDER: 'stripe',
      STRIPE_SECRET_KEY: 'sk_live_123456',
      STRIPE_WEBHOOK_SECRET: 'whsec_123456',
    });
    expect(ok.payments.stripe.secretKey).toBe('sk_live_123456');
  });

  it('has no known sandbox webhook secret in production unless one is set', () => {
    const a = loadConfig(production).payments.sandbox.webhookSecret;
    const b = loadConfig(production).payments.sandbox.webhookSecret;
    expect(a).not.toBe(b);
    expect(a).not.toBe(DEVELOPMENT_SANDBOX_WEBHOOK_SECRET);
    expect(
      loadConfig({ ...production, SANDBOX_WEBHOOK_SECRET: 'z'.repeat(24) }).payments.sandbox
        .webhookSecret,
    ).toBe('z'.repeat(24));
  });

  it('refuses PAYMENTS_PROVIDER=stripe without keys in any environment', () => {
    expect(problems({ PAYMENTS_PROVIDER: 'stripe' })).toEqual([
      expect.stringMatching(/STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET/),
    ]);
  });
});
