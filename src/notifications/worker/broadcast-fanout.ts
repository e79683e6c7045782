import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../../common/clock.js';
import { Transactions } from '../../database/transactions.js';
import { NotificationsQueue, type BroadcastBatchJob } from '../notifications.queue.js';
import { BroadcastsRepository } from '../repositories/broadcasts.repository.js';
import { BroadcastRecipients } from './broadcast-recipients.js';
import { NotificationWriter } from './notification-writer.js';

/**
 * Worker side of a broadcast: one Bull job per batch of users (keyset over
 * UsersService.activeUserIds, through BroadcastRecipients), each storing the batch's
 * notifications and deliveries with one statement (NotificationWriter, in the transaction that
 * moves the broadcast's cursor), adding the delivery jobs with one addBulk, then enqueueing the
 * next batch. Memory is bounded by the batch size whatever the number of users. A batch re-run
 * (crash, stalled job) inserts nothing twice (unique user + key), counts nothing twice (the
 * cursor must still match), and re-adds jobs under the same ids.
 */
@Injectable()
export class BroadcastFanout {
  private readonly logger = new Logger(BroadcastFanout.name);

  constructor(
    private readonly broadcasts: BroadcastsRepository,
    private readonly recipients: BroadcastRecipients,
    private readonly writer: NotificationWriter,
    private readonly queue: NotificationsQueue,
    private readonly transactions: Transactions,
    private readonly clock: Clock,
  ) {}

  /** Outbox consumer of `notifications.broadcast_requested`. */
  async start(broadcastId: string): Promise<void> {
    await this.broadcasts.markRunning(broadcastId, this.clock.now());
    await this.queue.broadcastBatch({ broadcastId, afterUserId: null });
  }

  async batch(job: BroadcastBatchJob): Promise<{ users: number }> {
    const broadcast = await this.broadcasts.findForFanout(job.broadcastId);
    if (!broadcast || broadcast.status === 'completed') return { users: 0 };
    const now = this.clock.now();
    const userIds = await this.recipients.next(job.afterUserId, broadcast.role);
    if (userIds.length === 0) {
      await this.broadcasts.markCompleted(broadcast.id, now);
      this.logger.log({ broadcastId: broadcast.id }, 'broadcast fanned out');
      return { users: 0 };
    }
    const lastUserId = userIds[userIds.length - 1] ?? null;
    const items = await this.recipients.notifications(broadcast, userIds, now);

    // The batch's notifications and the broadcast's cursor and counters commit together.
    const created = await this.transactions.run(async (manager) => {
      const inserted = await this.writer.insertIn(manager, items, now);
      const planned = new Map(items.map((i) => [i.userId, i.deliveries]));
      const deliveries = inserted.flatMap((n) => planned.get(n.userId) ?? []);
      await this.broadcasts.recordBatch(manager, broadcast.id, {
        afterUserId: job.afterUserId,
        lastUserId,
        users: userIds.length,
        notifications: inserted.length,
        deliveriesQueued: deliveries.filter((d) => d.status === 'queued').length,
        deliveriesSkipped: deliveries.filter((d) => d.status === 'skipped').length,
      });
      return inserted;
    });
    await this.writer.dispatch(items, created);
    await this.queue.broadcastBatch({ broadcastId: broadcast.id, afterUserId: lastUserId });
    return { users: userIds.length };
  }
}
