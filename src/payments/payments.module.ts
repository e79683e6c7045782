import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { IdempotencyModule } from '../idempotency/idempotency.module.js';
import { NotificationsModule } from '../notifications/index.js';
import { PaymentEvent } from './entities/payment-event.entity.js';
import { Payment } from './entities/payment.entity.js';
import { Refund } from './entities/refund.entity.js';
import { WebhookEvent } from './entities/webhook-event.entity.js';
import { PaymentLedger } from './payment-ledger.js';
import { PaymentOperations } from './payment-operations.js';
import { PaymentSync } from './payment-sync.service.js';
import { PaymentsWebhooksController } from './payments-webhooks.controller.js';
import { PaymentsController } from './payments.controller.js';
import { PaymentsQueue } from './payments.queue.js';
import { PaymentsService } from './payments.service.js';
import { paymentProviderFactory } from './providers/payment-provider.factory.js';
import { RefundsService } from './refunds.service.js';
import { WebhookIngestionService } from './webhook-ingestion.service.js';

/** Payments API (every role). Processors, webhook processing, reconciliation: the worker module. */
@Module({
  imports: [
    TypeOrmModule.forFeature([Payment, PaymentEvent, Refund, WebhookEvent]),
    IdempotencyModule,
    NotificationsModule,
  ],
  controllers: [PaymentsController, PaymentsWebhooksController],
  providers: [
    paymentProviderFactory,
    PaymentLedger,
    PaymentOperations,
    PaymentSync,
    PaymentsService,
    RefundsService,
    PaymentsQueue,
    WebhookIngestionService,
  ],
  exports: [
    paymentProviderFactory,
    PaymentLedger,
    PaymentOperations,
    PaymentSync,
    PaymentsService,
    RefundsService,
    WebhookIngestionService,
    IdempotencyModule,
  ],
})
export class PaymentsModule {}
