import { Inject, Injectable, Logger } from '@nestjs/common';
import type { AuthPrincipal } from '../../common/auth/auth-principal.js';
import { Clock } from '../../common/clock.js';
import type { Page } from '../../common/pagination/keyset.js';
import { APP_CONFIG, type AppConfig } from '../../config/index.js';
import { Transactions } from '../../database/transactions.js';
import { MoneyError, normalizeCurrency, validateAmount } from '../domain/money.js';
import { canCancel, canConfirm, type PaymentStatus } from '../domain/payment-status.js';
import { toPaymentView, type PaymentView } from '../domain/payment-view.js';
import {
  moneyProblem,
  paymentNotFound,
  paymentStateConflict,
  providerRequestProblem,
  providerUnavailable,
  userFilterForbidden,
} from '../domain/payments.errors.js';
import { providerKeys } from '../domain/provider-keys.js';
import { PaymentLedger } from '../payment-ledger.js';
import { PaymentOperations } from '../payment-operations.js';
import { PaymentSync } from '../payment-sync.js';
import {
  PaymentProvider,
  ProviderDeclinedError,
  ProviderRequestError,
  ProviderUnavailableError,
  type CreateIntentResult,
} from '../providers/payment-provider.js';
import { PaymentsRepository } from '../repositories/payments.repository.js';

export interface CreatePaymentInput {
  amount: number;
  currency: string;
  description?: string;
  metadata?: Record<string, string>;
}

export interface ListPaymentsInput {
  limit: number;
  cursor?: string;
  status?: PaymentStatus;
  userId?: string;
}

/** The payment use cases behind the HTTP API (refunds: RefundsService). */
@Injectable()
export class PaymentsService {
  private readonly logger = new Logger(PaymentsService.name);

  constructor(
    private readonly transactions: Transactions,
    private readonly payments: PaymentsRepository,
    private readonly provider: PaymentProvider,
    private readonly ledger: PaymentLedger,
    private readonly sync: PaymentSync,
    private readonly operations: PaymentOperations,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Creates the payment, then its provider intent (key `payment:<id>:create`). */
  async create(userId: string, input: CreatePaymentInput): Promise<PaymentView> {
    let amount: number;
    let currency: string;
    try {
      amount = validateAmount(input.amount);
      currency = normalizeCurrency(input.currency, this.config.payments.currencies);
    } catch (error) {
      if (error instanceof MoneyError) throw moneyProblem(error);
      throw error;
    }
    const payment = await this.transactions.run(async (manager) => {
      const row = await this.payments.insert(manager, {
        userId,
        amount,
        currency,
        description: input.description ?? null,
        metadata: input.metadata ?? {},
        provider: this.provider.name,
        providerPaymentId: null,
        clientSecret: null,
        status: 'requires_payment_method',
        amountRefunded: 0,
        failureCode: null,
        failureMessage: null,
        nextAction: null,
        confirmAttempts: 0,
        statusChangedAt: this.clock.now(),
        reconciledAt: null,
      });
      await this.ledger.created(manager, row);
      return row;
    });

    let intent: CreateIntentResult;
    try {
      intent = await this.provider.createIntent({
        paymentId: payment.id,
        amount,
        currency,
        description: input.description,
        idempotencyKey: providerKeys.create(payment.id),
      });
    } catch (error) {
      if (error instanceof ProviderUnavailableError) {
        // Left without an intent; reconciliation finds it (same key) and cancels it.
        this.logger.warn({ err: error, paymentId: payment.id }, 'provider unavailable on create');
        throw providerUnavailable();
      }
      if (error instanceof ProviderRequestError) {
        await this.sync.apply(payment.id, {
          to: 'canceled',
          source: 'api',
          failure: { code: error.code, message: error.message },
        });
        throw providerRequestProblem(error);
      }
      throw error;
    }
    return this.attachIntent(payment.id, intent, userId);
  }

  async get(viewer: AuthPrincipal, id: string): Promise<PaymentView> {
    const payment = await this.payments.findById(id);
    if (!payment || (viewer.role !== 'admin' && payment.userId !== viewer.userId)) {
      throw paymentNotFound();
    }
    return toPaymentView(payment, viewer.userId);
  }

  /** Newest first, keyset pagination over (created_at, id). Admins see everyone's. */
  async list(viewer: AuthPrincipal, input: ListPaymentsInput): Promise<Page<PaymentView>> {
    if (input.userId !== undefined && viewer.role !== 'admin') throw userFilterForbidden();
    const userId = viewer.role === 'admin' ? input.userId : viewer.userId;
    const page = await this.payments.page({ ...input, userId });
    return {
      items: page.items.map((p) => toPaymentView(p, viewer.userId)),
      nextCursor: page.nextCursor,
    };
  }

  /**
   * Confirms with a payment method. The attempt number is committed before the provider call, so
   * its idempotency key (`payment:<id>:confirm:<n>`) is stable across a crash and a retry. One
   * confirm or cancel at a time per payment: a concurrent one gets a 409 (operation lease).
   */
  async confirm(userId: string, id: string, paymentMethod: string): Promise<PaymentView> {
    const { providerPaymentId, attempt, lease } = await this.transactions.run(async (manager) => {
      const payment = await this.payments.lock(manager, id);
      if (!payment || payment.userId !== userId) throw paymentNotFound();
      if (!canConfirm(payment.status)) {
        throw paymentStateConflict(`A ${payment.status} payment cannot be confirmed.`);
      }
      if (!payment.providerPaymentId) {
        throw paymentStateConflict('The payment is not ready yet; retry in a moment.');
      }
      const lease = await this.operations.claim(manager, payment, 'confirm');
      const next = payment.confirmAttempts + 1;
      await this.payments.update(manager, id, { confirmAttempts: next });
      return { providerPaymentId: payment.providerPaymentId, attempt: next, lease };
    });
    try {
      await this.confirmAtProvider(id, providerPaymentId, paymentMethod, attempt);
    } finally {
      await this.operations.release(id, lease);
    }
    return this.view(id, userId);
  }

  private async confirmAtProvider(
    id: string,
    providerPaymentId: string,
    paymentMethod: string,
    attempt: number,
  ): Promise<void> {
    try {
      const result = await this.provider.confirm({
        providerPaymentId,
        paymentMethod,
        idempotencyKey: providerKeys.confirm(id, attempt),
      });
      await this.sync.apply(id, {
        to: result.status,
        source: 'api',
        nextAction: result.nextAction,
      });
    } catch (error) {
      if (error instanceof ProviderDeclinedError) {
        await this.sync.apply(id, {
          to: 'failed',
          source: 'api',
          failure: { code: error.declineCode, message: error.message },
        });
      } else if (error instanceof ProviderUnavailableError) {
        // We cannot know whether the card was charged: in flight until the provider tells us.
        this.logger.warn({ err: error, paymentId: id }, 'provider unavailable on confirm');
        await this.sync.apply(id, { to: 'processing', source: 'api' });
      } else if (error instanceof ProviderRequestError) {
        await this.refreshQuietly(id);
        throw providerRequestProblem(error);
      } else {
        throw error;
      }
    }
  }

  /**
   * Cancels at the provider (key `payment:<id>:cancel`), or at once here while the payment has
   * no intent yet. Concurrent cancels (other Idempotency-Keys) share that provider key, so only
   * the one holding the payment's operation lease calls; the others get a 409 saying so.
   */
  async cancel(userId: string, id: string): Promise<PaymentView> {
    const claimed = await this.transactions.run(async (manager) => {
      const payment = await this.payments.lock(manager, id);
      if (!payment || payment.userId !== userId) throw paymentNotFound();
      if (!canCancel(payment.status)) {
        throw paymentStateConflict(`A ${payment.status} payment cannot be canceled.`);
      }
      if (!payment.providerPaymentId) {
        const outcome = await this.ledger.transition(manager, payment, {
          to: 'canceled',
          source: 'api',
        });
        if (outcome.kind === 'rejected') throw paymentStateConflict(outcome.reason);
        return null;
      }
      return {
        providerPaymentId: payment.providerPaymentId,
        lease: await this.operations.claim(manager, payment, 'cancel'),
      };
    });
    if (claimed) {
      try {
        await this.cancelAtProvider(id, claimed.providerPaymentId);
      } finally {
        await this.operations.release(id, claimed.lease);
      }
    }
    return this.view(id, userId);
  }

  private async cancelAtProvider(id: string, providerPaymentId: string): Promise<void> {
    try {
      const result = await this.provider.cancel({
        providerPaymentId,
        idempotencyKey: providerKeys.cancel(id),
      });
      await this.sync.apply(id, { to: result.status, source: 'api' });
    } catch (error) {
      if (error instanceof ProviderUnavailableError) throw providerUnavailable();
      if (error instanceof ProviderRequestError) {
        await this.refreshQuietly(id);
        throw providerRequestProblem(error);
      }
      throw error;
    }
  }

  /** Stores the provider's intent on the payment (idempotent: a second attach changes nothing). */
  async attachIntent(
    id: string,
    intent: CreateIntentResult,
    viewerId: string | null,
  ): Promise<PaymentView> {
    await this.transactions.run(async (manager) => {
      const payment = await this.payments.lock(manager, id);
      if (!payment) throw paymentNotFound();
      if (payment.providerPaymentId === null) {
        await this.payments.update(manager, id, {
          providerPaymentId: intent.providerPaymentId,
          clientSecret: intent.clientSecret,
        });
        payment.providerPaymentId = intent.providerPaymentId;
      }
      if (intent.status !== payment.status) {
        await this.ledger.transition(manager, payment, { to: intent.status, source: 'api' });
      }
    });
    return this.view(id, viewerId);
  }

  private async refreshQuietly(id: string): Promise<void> {
    await this.sync.refresh(id, 'api').catch((error: unknown) => {
      this.logger.warn({ err: error, paymentId: id }, 'could not re-fetch the payment');
    });
  }

  private async view(id: string, viewerId: string | null): Promise<PaymentView> {
    return toPaymentView(await this.payments.getById(id), viewerId);
  }
}
