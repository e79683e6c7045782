import { getQueueToken } from '@nestjs/bull';
import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { TypeOrmHealthIndicator } from '@nestjs/terminus';
import type { Queue } from 'bull';
import { Redis } from 'ioredis';
import { Clock } from '../../common/clock.js';
import { DeliveriesService, type DeliveryCounts } from '../../notifications/index.js';
import { OutboxBacklogReader } from '../../outbox/outbox-backlog.js';
import { PaymentStats, type PaymentStatusTotal } from '../../payments/index.js';
import { QUEUES } from '../../queue/queues.js';
import { UsersService } from '../../users/index.js';

const DAY_MS = 24 * 3600 * 1000;
const CHECK_TIMEOUT_MS = 1000;

export interface QueueDepth {
  name: string;
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
}

export interface Overview {
  generatedAt: Date;
  users: { total: number; newThisWeek: number };
  paymentsToday: PaymentStatusTotal[];
  deliveriesLastDay: DeliveryCounts;
  queues: QueueDepth[];
  outbox: { pending: number; oldestAgeSeconds: number | null };
  readiness: { postgres: boolean; redis: boolean };
}

/**
 * The console's first page in one request: each figure comes from the module that owns it
 * (users, payments, notifications, outbox, Bull), read-only. "Today" is the UTC day.
 */
@Injectable()
export class OverviewService {
  constructor(
    private readonly clock: Clock,
    private readonly users: UsersService,
    private readonly payments: PaymentStats,
    private readonly deliveries: DeliveriesService,
    private readonly outbox: OutboxBacklogReader,
    private readonly db: TypeOrmHealthIndicator,
    private readonly modules: ModuleRef,
  ) {}

  async read(): Promise<Overview> {
    const now = this.clock.now();
    const startOfDay = new Date(
      Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()),
    );
    const [postgres, redis] = await Promise.all([this.postgresUp(), this.redisUp()]);
    const [users, paymentsToday, deliveriesLastDay, backlog, queues] = await Promise.all([
      this.users.counts(new Date(now.getTime() - 7 * DAY_MS)),
      this.payments.since(startOfDay),
      this.deliveries.lastDay(),
      this.outbox.read(),
      this.queueDepths(),
    ]);
    return {
      generatedAt: now,
      users: { total: users.total, newThisWeek: users.createdSince },
      paymentsToday,
      deliveriesLastDay,
      queues,
      outbox: {
        pending: backlog.pending,
        oldestAgeSeconds: backlog.oldestCreatedAt
          ? Math.max(0, Math.round((now.getTime() - backlog.oldestCreatedAt.getTime()) / 1000))
          : null,
      },
      readiness: { postgres, redis },
    };
  }

  private async queueDepths(): Promise<QueueDepth[]> {
    return Promise.all(
      Object.values(QUEUES).map(async ({ name }) => {
        const queue = this.modules.get<Queue>(getQueueToken(name), { strict: false });
        const counts = await queue.getJobCounts();
        return {
          name,
          waiting: counts.waiting,
          active: counts.active,
          delayed: counts.delayed,
          failed: counts.failed,
        };
      }),
    );
  }

  private async postgresUp(): Promise<boolean> {
    try {
      const result = await this.db.pingCheck('database', { timeout: CHECK_TIMEOUT_MS });
      return result.database?.status === 'up';
    } catch {
      return false;
    }
  }

  private async redisUp(): Promise<boolean> {
    const redis = this.modules.get(Redis, { strict: false });
    if (redis.status !== 'ready') return false;
    return redis.ping().then(
      (answer) => answer === 'PONG',
      () => false,
    );
  }
}
