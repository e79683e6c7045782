import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock } from '../common/clock.js';
import { APP_CONFIG, type AppConfig } from '../config/index.js';
import { paymentOperationInProgress } from './domain/payments.errors.js';
import type { Payment, PaymentOperation } from './entities/payment.entity.js';
import { PaymentsRepository } from './repositories/payments.repository.js';

/** The sandbox answers at once; its own in-flight records last 30 s. */
const SANDBOX_OPERATION_LEASE_MS = 30_000;

/**
 * One provider call at a time per payment (confirm, cancel): the caller takes the payment's
 * operation lease in the transaction that locks the row, calls the provider, and releases it.
 * Concurrent calls would otherwise race at the provider, where two cancels share one idempotency
 * key (the second is refused as "in flight") and two confirms make two transitions.
 */
@Injectable()
export class PaymentOperations {
  constructor(
    private readonly payments: PaymentsRepository,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Takes the lease (row locked by `manager`'s transaction), or `payment-operation-in-progress`. */
  async claim(
    manager: EntityManager,
    payment: Payment,
    operation: PaymentOperation,
  ): Promise<string> {
    const token = await this.tryClaim(manager, payment, operation);
    if (token === null) throw paymentOperationInProgress(payment.operation ?? operation);
    return token;
  }

  /** The lease's token, or null while another holder's lease is live. */
  async tryClaim(
    manager: EntityManager,
    payment: Payment,
    operation: PaymentOperation,
  ): Promise<string | null> {
    const now = this.clock.now();
    if (payment.operation && payment.operationExpiresAt && payment.operationExpiresAt > now) {
      return null;
    }
    const token = randomUUID();
    await this.payments.update(manager, payment.id, {
      operation,
      operationToken: token,
      operationExpiresAt: new Date(now.getTime() + this.leaseMs()),
    });
    return token;
  }

  /** Frees the lease if it is still ours (a lapsed one may have been taken by another request). */
  async release(id: string, token: string): Promise<void> {
    await this.payments.releaseLease(id, token);
  }

  /**
   * Longer than the slowest provider call we wait for, with room to record its outcome: a lease
   * only lapses when its holder died.
   */
  private leaseMs(): number {
    const { provider, stripe } = this.config.payments;
    if (provider !== 'stripe') return SANDBOX_OPERATION_LEASE_MS;
    // The SDK's own network retries each wait up to the timeout, plus its backoff (≤ 2 s).
    return (stripe.timeoutMs + 2_000) * (stripe.maxNetworkRetries + 1) + 5_000;
  }
}
