import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The relay deletes sent events past their retention: find them without a table scan. */
export class OutboxRetention1763716100000 implements MigrationInterface {
  name = 'OutboxRetention1763716100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX "outbox_events_sent_idx" ON "outbox_events" ("sent_at") WHERE sent_at IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "outbox_events_sent_idx"`);
  }
}
