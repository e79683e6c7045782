import { Injectable } from '@nestjs/common';
import type { Role } from '../../common/auth/auth-principal.js';
import { Transactions } from '../../database/transactions.js';
import { OutboxService } from '../../outbox/outbox.service.js';
import { tallyDeliveries, type BroadcastProgress } from '../domain/broadcast-progress.js';
import { broadcastNotFound } from '../domain/notifications.errors.js';
import { BROADCAST_REQUESTED, type BroadcastRequestedPayload } from '../outbox-events.js';
import { BroadcastsRepository } from '../repositories/broadcasts.repository.js';
import { NotificationsRepository } from '../repositories/notifications.repository.js';

/** API side of broadcasts: record it (the worker fans it out) and report progress. */
@Injectable()
export class BroadcastsService {
  constructor(
    private readonly broadcasts: BroadcastsRepository,
    private readonly notifications: NotificationsRepository,
    private readonly outbox: OutboxService,
    private readonly transactions: Transactions,
  ) {}

  async create(
    adminId: string,
    input: { title: string; body: string; role?: Role },
  ): Promise<BroadcastProgress> {
    const id = await this.transactions.run(async (manager) => {
      const broadcastId = await this.broadcasts.insert(manager, adminId, input);
      const payload: BroadcastRequestedPayload = { broadcastId };
      await this.outbox.publish(manager, { type: BROADCAST_REQUESTED, payload: { ...payload } });
      return broadcastId;
    });
    return this.progress(id);
  }

  async progress(id: string): Promise<BroadcastProgress> {
    const broadcast = await this.broadcasts.find(id);
    if (!broadcast) throw broadcastNotFound();
    const counts = await this.notifications.deliveryCountsOfBroadcast(id);
    return { ...broadcast, deliveries: tallyDeliveries(counts) };
  }
}
