import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { IdempotencyModule } from '../idempotency/idempotency.module.js';
import { NotificationsModule } from '../notifications/index.js';
import { PaymentEvent } from './entities/payment-event.entity.js';
import { Payment } from './entities/payment.entity.js';
import { Refund } from './entities/refund.entity.js';
import { WebhookEvent } from './entities/webhook-event.entity.js';
import { PaymentsController } from './checkout/payments.controller.js';
import { PaymentsService } from './checkout/payments.service.js';
import { PaymentHistoryController } from './history/payment-history.controller.js';
import { PaymentHistoryService } from './history/payment-history.service.js';
import { PaymentLedger } from './payment-ledger.js';
import { PaymentStats } from './payment-stats.js';
import { PaymentOperations } from './payment-operations.js';
import { PaymentSync } from './payment-sync.js';
import { PaymentsQueue } from './payments.queue.js';
import { paymentProviderFactory } from './providers/payment-provider.factory.js';
import { RefundSettlement } from './refund-settlement.js';
import { RefundsService } from './refunds/refunds.service.js';
import { PaymentsRepository } from './repositories/payments.repository.js';
import { RefundsRepository } from './repositories/refunds.repository.js';
import { WebhookEventsRepository } from './repositories/webhook-events.repository.js';
import { PaymentsWebhooksController } from './webhooks/payments-webhooks.controller.js';
import { WebhookIngestionService } from './webhooks/webhook-ingestion.service.js';

/** Payments API (every role). Processors, webhook processing, reconciliation: the worker module. */
@Module({
  imports: [
    TypeOrmModule.forFeature([Payment, PaymentEvent, Refund, WebhookEvent]),
    IdempotencyModule,
    NotificationsModule,
  ],
  controllers: [PaymentsController, PaymentHistoryController, PaymentsWebhooksController],
  providers: [
    PaymentsRepository,
    RefundsRepository,
    WebhookEventsRepository,
    paymentProviderFactory,
    PaymentLedger,
    PaymentOperations,
    PaymentSync,
    PaymentsService,
    PaymentHistoryService,
    PaymentStats,
    RefundSettlement,
    RefundsService,
    PaymentsQueue,
    WebhookIngestionService,
  ],
  // What the worker module's processors, webhook processing and reconciliation build on.
  exports: [
    PaymentsRepository,
    RefundsRepository,
    WebhookEventsRepository,
    paymentProviderFactory,
    PaymentLedger,
    PaymentOperations,
    PaymentSync,
    RefundSettlement,
    IdempotencyModule,
    PaymentStats,
  ],
})
export class PaymentsModule {}
