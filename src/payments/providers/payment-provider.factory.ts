import type { FactoryProvider } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { Redis } from 'ioredis';
import { Clock } from '../../common/clock.js';
import { APP_CONFIG, type AppConfig } from '../../config/index.js';
import { WebhookIngestionService } from '../webhooks/webhook-ingestion.service.js';
import { PaymentProvider } from './payment-provider.js';
import { SandboxProvider } from './sandbox.provider.js';
import { StripeProvider } from './stripe.provider.js';

/** Redis namespace of the sandbox gateway's state (the client adds `<QUEUE_PREFIX>:`). */
export const SANDBOX_KEY_PREFIX = 'pay:sandbox';

/**
 * The adapter PAYMENTS_PROVIDER names. The sandbox hands its signed events straight to our
 * webhook ingestion (no network), so they take the same verification and processing path as
 * Stripe's; the ingestion service is looked up lazily because it depends on the provider.
 */
export const paymentProviderFactory: FactoryProvider<PaymentProvider> = {
  provide: PaymentProvider,
  inject: [APP_CONFIG, Redis, Clock, ModuleRef],
  useFactory: (config: AppConfig, redis: Redis, clock: Clock, moduleRef: ModuleRef) => {
    const payments = config.payments;
    if (payments.provider === 'stripe') {
      const { secretKey, webhookSecret } = payments.stripe;
      if (!secretKey || !webhookSecret) throw new Error('Stripe keys are not configured');
      return new StripeProvider({
        secretKey,
        webhookSecret,
        host: payments.stripe.host,
        port: payments.stripe.port,
        protocol: payments.stripe.protocol,
        timeoutMs: payments.stripe.timeoutMs,
        maxNetworkRetries: payments.stripe.maxNetworkRetries,
        returnUrl: payments.stripe.returnUrl,
        clock,
      });
    }
    return new SandboxProvider({
      redis,
      keyPrefix: SANDBOX_KEY_PREFIX,
      webhookSecret: payments.sandbox.webhookSecret,
      settleDelayMs: payments.sandbox.settleDelayMs,
      clock,
      deliver: async (webhook) => {
        const ingestion = moduleRef.get(WebhookIngestionService, { strict: false });
        await ingestion.ingest('sandbox', webhook.rawBody, webhook.headers);
      },
    });
  },
};
