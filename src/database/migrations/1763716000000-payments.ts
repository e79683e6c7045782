import type { MigrationInterface, QueryRunner } from 'typeorm';

const STATUSES = `'requires_payment_method', 'requires_confirmation', 'requires_action', 'processing', 'succeeded', 'failed', 'canceled', 'partially_refunded', 'refunded'`;

export class Payments1763716000000 implements MigrationInterface {
  name = 'Payments1763716000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "payments" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "user_id" uuid NOT NULL,
        "amount" bigint NOT NULL,
        "currency" character varying(3) NOT NULL,
        "description" character varying(500),
        "metadata" jsonb NOT NULL,
        "provider" character varying(16) NOT NULL,
        "provider_payment_id" character varying(255),
        "client_secret" character varying(255),
        "status" character varying(32) NOT NULL,
        "amount_refunded" bigint NOT NULL,
        "failure_code" character varying(100),
        "failure_message" character varying(500),
        "next_action" jsonb,
        "confirm_attempts" integer NOT NULL DEFAULT 0,
        "status_changed_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "reconciled_at" TIMESTAMP WITH TIME ZONE,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "payments_amount_check" CHECK ("amount" > 0),
        CONSTRAINT "payments_amount_refunded_check" CHECK ("amount_refunded" >= 0 AND "amount_refunded" <= "amount"),
        CONSTRAINT "payments_currency_check" CHECK ("currency" ~ '^[a-z]{3}$'),
        CONSTRAINT "payments_status_check" CHECK ("status" IN (${STATUSES})),
        CONSTRAINT "payments_provider_check" CHECK ("provider" IN ('stripe', 'sandbox')),
        CONSTRAINT "payments_metadata_check" CHECK (jsonb_typeof("metadata") = 'object'),
        CONSTRAINT "PK_payments" PRIMARY KEY ("id"),
        CONSTRAINT "payments_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id")
      )`);
    await q.query(
      `CREATE INDEX "payments_user_created_idx" ON "payments" ("user_id", "created_at", "id")`,
    );
    await q.query(`CREATE INDEX "payments_created_idx" ON "payments" ("created_at", "id")`);
    await q.query(
      `CREATE INDEX "payments_status_changed_idx" ON "payments" ("status", "status_changed_at")`,
    );
    await q.query(
      `CREATE UNIQUE INDEX "payments_provider_payment_id_unique" ON "payments" ("provider", "provider_payment_id")`,
    );

    await q.query(`
      CREATE TABLE "payment_events" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "payment_id" uuid NOT NULL,
        "from_status" character varying(32),
        "to_status" character varying(32) NOT NULL,
        "source" character varying(16) NOT NULL,
        "provider_event_id" character varying(255),
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "payment_events_source_check" CHECK ("source" IN ('api', 'webhook', 'reconciliation')),
        CONSTRAINT "payment_events_to_status_check" CHECK ("to_status" IN (${STATUSES})),
        CONSTRAINT "PK_payment_events" PRIMARY KEY ("id"),
        CONSTRAINT "payment_events_payment_id_fkey" FOREIGN KEY ("payment_id") REFERENCES "payments"("id")
      )`);
    await q.query(
      `CREATE INDEX "payment_events_payment_idx" ON "payment_events" ("payment_id", "created_at")`,
    );
    // Append-only: history is never rewritten, whatever the application does.
    await q.query(`
      CREATE FUNCTION "payment_events_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'payment_events is append-only';
      END $$`);
    await q.query(`
      CREATE TRIGGER "payment_events_append_only" BEFORE UPDATE OR DELETE ON "payment_events"
      FOR EACH ROW EXECUTE FUNCTION "payment_events_append_only"()`);

    await q.query(`
      CREATE TABLE "refunds" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "payment_id" uuid NOT NULL,
        "amount" bigint NOT NULL,
        "status" character varying(16) NOT NULL,
        "provider_refund_id" character varying(255),
        "reason" character varying(32),
        "requested_by" uuid,
        "failure_reason" character varying(500),
        "last_attempt_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "refunds_amount_check" CHECK ("amount" > 0),
        CONSTRAINT "refunds_status_check" CHECK ("status" IN ('pending', 'succeeded', 'failed')),
        CONSTRAINT "refunds_reason_check" CHECK ("reason" IN ('duplicate', 'fraudulent', 'requested_by_customer')),
        CONSTRAINT "PK_refunds" PRIMARY KEY ("id"),
        CONSTRAINT "refunds_payment_id_fkey" FOREIGN KEY ("payment_id") REFERENCES "payments"("id")
      )`);
    await q.query(`CREATE INDEX "refunds_payment_idx" ON "refunds" ("payment_id")`);
    await q.query(
      `CREATE INDEX "refunds_status_attempt_idx" ON "refunds" ("status", "last_attempt_at")`,
    );
    await q.query(
      `CREATE UNIQUE INDEX "refunds_provider_refund_id_unique" ON "refunds" ("provider_refund_id")`,
    );

    await q.query(`
      CREATE TABLE "webhook_events" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "provider" character varying(16) NOT NULL,
        "event_id" character varying(255) NOT NULL,
        "type" character varying(100) NOT NULL,
        "event" jsonb NOT NULL,
        "status" character varying(16) NOT NULL,
        "attempts" integer NOT NULL DEFAULT 0,
        "last_error" character varying(1000),
        "received_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "processed_at" TIMESTAMP WITH TIME ZONE,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "webhook_events_provider_check" CHECK ("provider" IN ('stripe', 'sandbox')),
        CONSTRAINT "webhook_events_status_check" CHECK ("status" IN ('pending', 'processed', 'ignored', 'failed')),
        CONSTRAINT "PK_webhook_events" PRIMARY KEY ("id")
      )`);
    await q.query(
      `CREATE UNIQUE INDEX "webhook_events_provider_event_unique" ON "webhook_events" ("provider", "event_id")`,
    );
    await q.query(
      `CREATE INDEX "webhook_events_status_received_idx" ON "webhook_events" ("status", "received_at")`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "webhook_events"`);
    await q.query(`DROP TABLE "refunds"`);
    await q.query(`DROP TABLE "payment_events"`);
    await q.query(`DROP FUNCTION "payment_events_append_only"() CASCADE`);
    await q.query(`DROP TABLE "payments"`);
  }
}
