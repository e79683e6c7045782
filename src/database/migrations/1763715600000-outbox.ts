import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Outbox1763715600000 implements MigrationInterface {
  name = 'Outbox1763715600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "outbox_events" (
        "id" uuid NOT NULL,
        "type" character varying(100) NOT NULL,
        "payload" jsonb NOT NULL,
        "sent_at" TIMESTAMP WITH TIME ZONE,
        "attempts" integer NOT NULL DEFAULT 0,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_outbox_events" PRIMARY KEY ("id")
      )`);
    await q.query(
      `CREATE INDEX "outbox_events_unsent_idx" ON "outbox_events" ("created_at") WHERE sent_at IS NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "outbox_events"`);
  }
}
