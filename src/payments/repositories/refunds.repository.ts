import { Injectable } from '@nestjs/common';
import { DataSource, IsNull, LessThan, type EntityManager } from 'typeorm';
import { Refund } from '../entities/refund.entity.js';

export type RefundInsert = Omit<Refund, 'id' | 'payment' | 'createdAt' | 'updatedAt'>;

export type RefundColumns = Partial<Omit<Refund, 'id' | 'payment' | 'createdAt' | 'updatedAt'>>;

/**
 * Every query of `refunds`. Methods taking an EntityManager (first) run in the caller's
 * transaction, which holds the refund's payment locked (payment first, then refund: one order).
 */
@Injectable()
export class RefundsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** A refund that must exist (its id came from our own rows). */
  getById(id: string): Promise<Refund> {
    return this.dataSource.getRepository(Refund).findOneByOrFail({ id });
  }

  getByIdIn(manager: EntityManager, id: string): Promise<Refund> {
    return manager.findOneByOrFail(Refund, { id });
  }

  lockById(manager: EntityManager, id: string): Promise<Refund> {
    return manager.findOneOrFail(Refund, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  findByProviderRefundId(providerRefundId: string): Promise<Refund | null> {
    return this.dataSource.getRepository(Refund).findOneBy({ providerRefundId });
  }

  findLinked(
    manager: EntityManager,
    paymentId: string,
    providerRefundId: string,
  ): Promise<Refund | null> {
    return manager.findOneBy(Refund, { paymentId, providerRefundId });
  }

  /** A payment's refunds, oldest first, outside any transaction (reads for the console). */
  listForPayment(paymentId: string): Promise<Refund[]> {
    return this.dataSource
      .getRepository(Refund)
      .find({ where: { paymentId }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  findByPayment(manager: EntityManager, paymentId: string): Promise<Refund[]> {
    return manager.find(Refund, { where: { paymentId } });
  }

  /** Pending refunds of the payment not linked to a provider refund yet (calls in flight). */
  countUnlinkedPending(manager: EntityManager, paymentId: string): Promise<number> {
    return manager.count(Refund, {
      where: { paymentId, status: 'pending', providerRefundId: IsNull() },
    });
  }

  /** Pending refunds last tried before `before`, oldest attempt first. */
  findPendingBefore(before: Date, limit: number): Promise<Refund[]> {
    return this.dataSource.getRepository(Refund).find({
      where: { status: 'pending', lastAttemptAt: LessThan(before) },
      order: { lastAttemptAt: 'ASC' },
      take: limit,
    });
  }

  async insert(manager: EntityManager, columns: RefundInsert): Promise<Refund> {
    const row = manager.create(Refund, columns);
    await manager.save(row);
    return row;
  }

  async update(manager: EntityManager, id: string, changes: RefundColumns): Promise<void> {
    await manager.update(Refund, { id }, changes);
  }
}
