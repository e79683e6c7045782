import { Injectable } from '@nestjs/common';
import { Brackets, DataSource, type EntityManager } from 'typeorm';
import { keysetPage, type Page } from '../../common/pagination/keyset.js';
import type { PaymentStatus } from '../domain/payment-status.js';
import { PaymentEvent, type TransitionSource } from '../entities/payment-event.entity.js';
import { Payment } from '../entities/payment.entity.js';

export interface PaymentFilter {
  limit: number;
  cursor?: string;
  status?: PaymentStatus;
  userId?: string;
}

export interface PaymentEventInsert {
  paymentId: string;
  fromStatus: PaymentStatus | null;
  toStatus: PaymentStatus;
  source: TransitionSource;
  providerEventId: string | null;
}

export type PaymentInsert = Omit<
  Payment,
  'id' | 'user' | 'operation' | 'operationToken' | 'operationExpiresAt' | 'createdAt' | 'updatedAt'
>;

export type PaymentColumns = Partial<Omit<Payment, 'id' | 'user' | 'createdAt' | 'updatedAt'>>;

const LEASE_FREE = { operation: null, operationToken: null, operationExpiresAt: null };

/**
 * Every query of `payments` and its history, `payment_events` (the operation lease is columns of
 * the payment row). Methods taking an EntityManager (first) run in the caller's transaction.
 */
@Injectable()
export class PaymentsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** For callers with no transaction to join: each statement commits on its own. */
  get autoCommit(): EntityManager {
    return this.dataSource.manager;
  }

  findById(id: string): Promise<Payment | null> {
    return this.dataSource.getRepository(Payment).findOneBy({ id });
  }

  /** A payment that must exist (its id came from our own rows). */
  getById(id: string): Promise<Payment> {
    return this.dataSource.getRepository(Payment).findOneByOrFail({ id });
  }

  /** The payment, locked until the transaction ends; null when it does not exist. */
  lock(manager: EntityManager, id: string): Promise<Payment | null> {
    return manager.findOne(Payment, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  lockByProviderId(
    manager: EntityManager,
    provider: Payment['provider'],
    providerPaymentId: string,
  ): Promise<Payment | null> {
    return manager.findOne(Payment, {
      where: { provider, providerPaymentId },
      lock: { mode: 'pessimistic_write' },
    });
  }

  async insert(manager: EntityManager, columns: PaymentInsert): Promise<Payment> {
    const row = manager.create(Payment, columns);
    await manager.save(row);
    return row;
  }

  async update(manager: EntityManager, id: string, changes: PaymentColumns): Promise<void> {
    await manager.update(Payment, { id }, changes);
  }

  async insertEvent(manager: EntityManager, event: PaymentEventInsert): Promise<void> {
    await manager.insert(PaymentEvent, event);
  }

  /** Frees the operation lease if `token` still holds it (a lapsed one may have been retaken). */
  async releaseLease(id: string, token: string): Promise<void> {
    await this.dataSource.getRepository(Payment).update({ id, operationToken: token }, LEASE_FREE);
  }

  async markReconciled(id: string, at: Date): Promise<void> {
    await this.dataSource.getRepository(Payment).update({ id }, { reconciledAt: at });
  }

  /** Links the provider's intent to a payment that has none yet; a second link changes nothing. */
  async attachIntentIfNone(
    manager: EntityManager,
    paymentId: string,
    providerPaymentId: string,
  ): Promise<void> {
    await manager.query(
      `UPDATE payments SET provider_payment_id = $2, updated_at = now()
        WHERE id = $1 AND provider_payment_id IS NULL`,
      [paymentId, providerPaymentId],
    );
  }

  /** Payments created since `since`, by status: how many and how much per currency (overview). */
  async statusTotalsSince(
    since: Date,
  ): Promise<Array<{ status: PaymentStatus; currency: string; count: number; amount: number }>> {
    const rows: Array<{ status: PaymentStatus; currency: string; count: string; amount: string }> =
      await this.dataSource.query(
        `SELECT status, currency, count(*) AS count, sum(amount) AS amount FROM payments
          WHERE created_at >= $1 GROUP BY status, currency ORDER BY status, currency`,
        [since],
      );
    return rows.map((r) => ({ ...r, count: Number(r.count), amount: Number(r.amount) }));
  }

  /** A payment's state history, oldest first (the admin console's timeline). */
  history(paymentId: string): Promise<PaymentEvent[]> {
    return this.dataSource
      .getRepository(PaymentEvent)
      .find({ where: { paymentId }, order: { createdAt: 'ASC', id: 'ASC' }, take: 500 });
  }

  /** Newest first, keyset pagination over (created_at, id). */
  page(filter: PaymentFilter): Promise<Page<Payment>> {
    const query = this.dataSource.getRepository(Payment).createQueryBuilder('p');
    if (filter.userId !== undefined)
      query.andWhere('p.user_id = :userId', { userId: filter.userId });
    if (filter.status !== undefined) {
      query.andWhere('p.status = :status', { status: filter.status });
    }
    return keysetPage(query, 'p', { limit: filter.limit, cursor: filter.cursor });
  }

  /**
   * Payments of `provider` still awaiting an outcome whose status has not moved since `before`
   * and that were not re-checked since then, oldest first.
   */
  findStuck(provider: Payment['provider'], before: Date, limit: number): Promise<Payment[]> {
    return this.dataSource
      .getRepository(Payment)
      .createQueryBuilder('p')
      .where('p.status IN (:...statuses)', {
        statuses: [
          'processing',
          'requires_payment_method',
          'requires_confirmation',
          'requires_action',
        ],
      })
      .andWhere('p.provider = :provider', { provider })
      .andWhere('p.status_changed_at < :before', { before })
      .andWhere(
        new Brackets((q) =>
          q.where('p.reconciled_at IS NULL').orWhere('p.reconciled_at < :before', { before }),
        ),
      )
      .orderBy('p.status_changed_at', 'ASC')
      .limit(limit)
      .getMany();
  }
}
