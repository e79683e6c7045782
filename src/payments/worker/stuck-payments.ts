import { Inject, Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../config/index.js';
import { Transactions } from '../../database/transactions.js';
import { canCancel } from '../domain/payment-status.js';
import { providerKeys } from '../domain/provider-keys.js';
import type { Payment } from '../entities/payment.entity.js';
import { PaymentOperations } from '../payment-operations.js';
import { PaymentSync } from '../payment-sync.js';
import { PaymentProvider } from '../providers/payment-provider.js';
import { PaymentsRepository } from '../repositories/payments.repository.js';

const BATCH = 100;

/**
 * Reconciliation's payment step: payments stuck in processing or requires_* are brought to the
 * provider's state of their intent; one whose create call failed ambiguously is recovered and
 * canceled.
 */
@Injectable()
export class StuckPayments {
  private readonly logger = new Logger(StuckPayments.name);

  constructor(
    private readonly transactions: Transactions,
    private readonly payments: PaymentsRepository,
    private readonly provider: PaymentProvider,
    private readonly sync: PaymentSync,
    private readonly operations: PaymentOperations,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Re-checks up to a batch of payments stuck since before `now - stuckAfterMs`: how many. */
  async check(now: Date): Promise<number> {
    const before = new Date(now.getTime() - this.config.payments.stuckAfterMs);
    const stuck = await this.payments.findStuck(this.provider.name, before, BATCH);
    for (const payment of stuck) {
      try {
        if (payment.providerPaymentId) await this.sync.refresh(payment.id, 'reconciliation');
        else await this.recoverCreate(payment);
      } catch (error) {
        this.logger.warn(
          { err: error, paymentId: payment.id },
          'reconciliation of a payment failed',
        );
      }
    }
    return stuck.length;
  }

  /**
   * A payment whose create call failed ambiguously: the client got a 503 and has retried with a
   * new payment. Ask again with the same key (the provider returns the intent if it made one),
   * then cancel it, so that no orphaned intent can ever be paid.
   */
  private async recoverCreate(payment: Payment): Promise<void> {
    const intent = await this.provider.createIntent({
      paymentId: payment.id,
      amount: payment.amount,
      currency: payment.currency,
      description: payment.description ?? undefined,
      idempotencyKey: providerKeys.create(payment.id),
    });
    if (!canCancel(intent.status)) {
      await this.attach(this.payments.autoCommit, payment.id, intent.providerPaymentId);
      await this.sync.apply(payment.id, { to: intent.status, source: 'reconciliation' });
      return;
    }
    // Attached and leased at once: a cancel by the owner from then on is told to retry (409)
    // rather than racing ours under the same provider key. While another request holds the
    // lease, the payment stays an orphan for the next run.
    const lease = await this.transactions.run(async (manager) => {
      const locked = await this.payments.lock(manager, payment.id);
      const token = locked ? await this.operations.tryClaim(manager, locked, 'cancel') : null;
      if (token !== null) await this.attach(manager, payment.id, intent.providerPaymentId);
      return token;
    });
    if (lease === null) return;
    try {
      const result = await this.provider.cancel({
        providerPaymentId: intent.providerPaymentId,
        idempotencyKey: providerKeys.cancel(payment.id),
      });
      await this.sync.apply(payment.id, { to: result.status, source: 'reconciliation' });
    } finally {
      await this.operations.release(payment.id, lease);
    }
  }

  private attach(
    manager: EntityManager,
    paymentId: string,
    providerPaymentId: string,
  ): Promise<void> {
    return this.payments.attachIntentIfNone(manager, paymentId, providerPaymentId);
  }
}
