import { InjectQueue } from '@nestjs/bull';
import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { Queue } from 'bull';
import { DataSource } from 'typeorm';
import { withTimeout } from '../common/with-timeout.js';
import { APP_CONFIG, type AppConfig } from '../config/index.js';
import { QUEUES } from '../queue/queues.js';
import type { OutboxMessage } from './outbox.types.js';

interface ClaimedRow {
  id: string;
  type: string;
  payload: Record<string, unknown>;
  created_at: Date;
}

const ENQUEUE_TIMEOUT_MS = 5000;
const PRUNE_BATCH = 5000;
const MAX_BACKOFF_MS = 10_000;

/**
 * Worker role: moves committed outbox rows to Bull. Rows are claimed with FOR UPDATE SKIP LOCKED
 * (so relays on several workers never take the same row), enqueued with job id = event id (so a
 * retry after a lost acknowledgement cannot enqueue twice), then marked sent in the same
 * transaction. If Redis is down the transaction rolls back and the rows wait.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private stopping = false;
  private running: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  /** Warned once per shortage of Redis replicas (see awaitReplicas). */
  private replicasShort = false;
  /** Events this relay handed to Bull (tests and metrics read it). */
  enqueued = 0;

  constructor(
    private readonly dataSource: DataSource,
    @InjectQueue(QUEUES.outbox.name) private readonly queue: Queue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.running = this.loop();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.running;
  }

  /** One claim-enqueue-mark cycle; returns how many events it moved. */
  async relayOnce(): Promise<number> {
    if (this.queue.client.status !== 'ready')
      throw new Error(`redis is ${this.queue.client.status}`);
    const { batchSize } = this.config.outbox;
    const moved = await this.dataSource.transaction(async (manager) => {
      const rows: ClaimedRow[] = await manager.query(
        `SELECT id, type, payload, created_at FROM outbox_events
          WHERE sent_at IS NULL ORDER BY created_at, id LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [batchSize],
      );
      if (rows.length === 0) return 0;
      await withTimeout(this.queue.addBulk(rows.map(toJob)), ENQUEUE_TIMEOUT_MS, 'enqueue');
      await this.awaitReplicas();
      await manager.query(
        `UPDATE outbox_events SET sent_at = now(), updated_at = now(), attempts = attempts + 1
          WHERE id = ANY($1::uuid[])`,
        [rows.map((r) => r.id)],
      );
      return rows.length;
    });
    this.enqueued += moved;
    return moved;
  }

  /**
   * With REDIS_WAIT_REPLICAS, the rows are marked relayed only once that many replicas hold the
   * jobs (WAIT on the connection that wrote them), so a Sentinel failover to one of them loses no
   * relayed event. Connected replicas that do not acknowledge in time roll the claim back (the
   * retry re-adds under the same job ids). With fewer replicas connected than asked for (after a
   * failover, before a replica is back) every connected one must acknowledge, and a warning says
   * the guarantee is reduced: refusing would stop the relay until a replica returns.
   */
  private async awaitReplicas(): Promise<void> {
    const { waitReplicas, waitTimeoutMs } = this.config.redis;
    if (waitReplicas === 0) return;
    const acknowledged = await this.queue.client.wait(waitReplicas, waitTimeoutMs);
    if (acknowledged >= waitReplicas) {
      this.replicasShort = false;
      return;
    }
    const info = await this.queue.client.info('replication');
    const connected = Number(/connected_slaves:(\d+)/.exec(info)?.[1] ?? 0);
    if (acknowledged < Math.min(connected, waitReplicas)) {
      throw new Error(`${acknowledged} of ${waitReplicas} Redis replicas acknowledged the jobs`);
    }
    if (!this.replicasShort) {
      this.logger.warn(
        { connected, wanted: waitReplicas },
        'fewer Redis replicas connected than REDIS_WAIT_REPLICAS: relayed jobs are on the replicas there are',
      );
    }
    this.replicasShort = true;
  }

  private async loop(): Promise<void> {
    let failures = 0;
    while (!this.stopping) {
      let moved = 0;
      try {
        moved = await this.relayOnce();
        failures = 0;
      } catch (error) {
        failures++;
        // Quiet for the first cycles: at boot Redis may still be connecting.
        if (failures === 3 || failures % 50 === 0) {
          this.logger.warn({ err: error, failures }, 'outbox relay cannot enqueue; events wait');
        }
      }
      if (moved < this.config.outbox.batchSize) await this.pause(this.delay(failures));
    }
  }

  /**
   * Deletes sent events older than OUTBOX_RETENTION_HOURS, a batch at a time, so the table does
   * not grow forever. Kept that long for audits and investigations; unsent rows are never deleted.
   * Run by the repeatable `outbox:prune` job (OutboxPruneScheduler): once per period across all
   * workers.
   */
  async prune(): Promise<number> {
    const result: [unknown, number] = await this.dataSource.query(
      `DELETE FROM outbox_events WHERE id IN (
         SELECT id FROM outbox_events
          WHERE sent_at < now() - make_interval(hours => $1)
          LIMIT $2)`,
      [this.config.outbox.retentionHours, PRUNE_BATCH],
    );
    return result[1];
  }

  private delay(failures: number): number {
    if (failures === 0) return this.config.outbox.pollMs;
    return Math.min(this.config.outbox.pollMs * 2 ** Math.min(failures, 10), MAX_BACKOFF_MS);
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}

function toJob(row: ClaimedRow) {
  const data: OutboxMessage = {
    id: row.id,
    type: row.type,
    payload: row.payload,
    createdAt: row.created_at.toISOString(),
  };
  return { name: QUEUES.outbox.jobs.deliver, data, opts: { jobId: row.id } };
}
