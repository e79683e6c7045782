import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/index.js';
import { PaymentProvider } from '../providers/payment-provider.js';
import { RefundSettlement } from '../refund-settlement.js';
import { PaymentsRepository } from '../repositories/payments.repository.js';
import { RefundsRepository } from '../repositories/refunds.repository.js';

const BATCH = 100;

/** Reconciliation's refund step: pending refunds are asked again, with the same provider key. */
@Injectable()
export class PendingRefunds {
  private readonly logger = new Logger(PendingRefunds.name);

  constructor(
    private readonly payments: PaymentsRepository,
    private readonly refundRows: RefundsRepository,
    private readonly provider: PaymentProvider,
    private readonly refunds: RefundSettlement,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Asks again for up to a batch of refunds pending since before `now - stuckAfterMs`: how many. */
  async retry(now: Date): Promise<number> {
    const before = new Date(now.getTime() - this.config.payments.stuckAfterMs);
    const pending = await this.refundRows.findPendingBefore(before, BATCH);
    for (const refund of pending) {
      try {
        const payment = await this.payments.getById(refund.paymentId);
        if (!payment.providerPaymentId || payment.provider !== this.provider.name) continue;
        const outcome = await this.refunds.callProvider(refund, payment.providerPaymentId);
        await this.refunds.settle(refund.id, outcome, 'reconciliation', null);
      } catch (error) {
        this.logger.warn({ err: error, refundId: refund.id }, 'reconciliation of a refund failed');
      }
    }
    return pending.length;
  }
}
