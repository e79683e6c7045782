import { Module } from '@nestjs/common';
import { PaymentsModule } from './payments.module.js';
import { PaymentsProcessor } from './worker/payments.processor.js';
import { PendingRefunds } from './worker/pending-refunds.js';
import { ReconciliationScheduler } from './worker/reconciliation.scheduler.js';
import { ReconciliationService } from './worker/reconciliation.service.js';
import { StuckPayments } from './worker/stuck-payments.js';
import { WebhookProcessing } from './worker/webhook-processing.js';

/** Worker role only: webhook processing, reconciliation and their Bull processor. */
@Module({
  imports: [PaymentsModule],
  providers: [
    PaymentsProcessor,
    WebhookProcessing,
    StuckPayments,
    PendingRefunds,
    ReconciliationService,
    ReconciliationScheduler,
  ],
  exports: [WebhookProcessing, ReconciliationService],
})
export class PaymentsWorkerModule {}
