import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface OutboxBacklog {
  /** Events written but not yet handed to Bull. */
  pending: number;
  /** When the oldest of them was written (null when none wait). */
  oldestCreatedAt: Date | null;
}

/** How far the relay is behind, for operators (the admin console's overview). */
@Injectable()
export class OutboxBacklogReader {
  constructor(private readonly dataSource: DataSource) {}

  async read(): Promise<OutboxBacklog> {
    const [row] = (await this.dataSource.query(
      `SELECT count(*) AS pending, min(created_at) AS oldest FROM outbox_events WHERE sent_at IS NULL`,
    )) as Array<{ pending: string; oldest: Date | null }>;
    return { pending: Number(row?.pending ?? 0), oldestCreatedAt: row?.oldest ?? null };
  }
}
