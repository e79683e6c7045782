import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock.js';
import type { Page } from '../../common/pagination/keyset.js';
import { deliveryNotFound, deliveryNotRetryable } from '../domain/notifications.errors.js';
import { NotificationsQueue } from '../notifications.queue.js';
import {
  DeliveriesRepository,
  type DeliveryCounts,
  type DeliveryFilter,
  type DeliveryListRow,
} from '../repositories/deliveries.repository.js';

const DAY_MS = 24 * 3600 * 1000;

/** Operators' view of email and push deliveries: list, retry a failed one, count. */
@Injectable()
export class DeliveriesService {
  constructor(
    private readonly deliveries: DeliveriesRepository,
    private readonly queue: NotificationsQueue,
    private readonly clock: Clock,
  ) {}

  list(filter: DeliveryFilter): Promise<Page<DeliveryListRow>> {
    return this.deliveries.page(filter);
  }

  /** failed → queued and a new job; the worker sends it as if it were new (same attempts cap). */
  async retry(id: string): Promise<DeliveryListRow> {
    const before = await this.deliveries.findOne(id);
    if (!before) throw deliveryNotFound();
    if (!(await this.deliveries.requeueFailed(id, this.clock.now()))) {
      const now = await this.deliveries.findOne(id);
      throw deliveryNotRetryable(now?.status ?? before.status);
    }
    await this.queue.redeliver(id, before.attempts);
    return (await this.deliveries.findOne(id)) as DeliveryListRow;
  }

  /** The last 24 hours' deliveries by outcome (the console's overview). */
  lastDay(): Promise<DeliveryCounts> {
    return this.deliveries.countsSince(new Date(this.clock.now().getTime() - DAY_MS));
  }
}
