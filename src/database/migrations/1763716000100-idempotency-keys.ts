import type { MigrationInterface, QueryRunner } from 'typeorm';

export class IdempotencyKeys1763716000100 implements MigrationInterface {
  name = 'IdempotencyKeys1763716000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "idempotency_keys" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "scope" character varying(64) NOT NULL,
        "method" character varying(10) NOT NULL,
        "path" character varying(500) NOT NULL,
        "key" character varying(255) NOT NULL,
        "fingerprint" character varying(64) NOT NULL,
        "state" character varying(16) NOT NULL,
        "lock_token" uuid,
        "locked_until" TIMESTAMP WITH TIME ZONE,
        "response_status" integer,
        "response_body" jsonb,
        "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "idempotency_keys_state_check" CHECK ("state" IN ('in_flight', 'completed')),
        CONSTRAINT "idempotency_keys_completed_check" CHECK ("state" = 'in_flight' OR "response_status" IS NOT NULL),
        CONSTRAINT "PK_idempotency_keys" PRIMARY KEY ("id")
      )`);
    await q.query(
      `CREATE UNIQUE INDEX "idempotency_keys_scope_unique" ON "idempotency_keys" ("scope", "method", "path", "key")`,
    );
    await q.query(
      `CREATE INDEX "idempotency_keys_expires_idx" ON "idempotency_keys" ("expires_at")`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "idempotency_keys"`);
  }
}
