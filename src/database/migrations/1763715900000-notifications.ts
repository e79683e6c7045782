import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Notifications1763715900000 implements MigrationInterface {
  name = 'Notifications1763715900000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "notification_broadcasts" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "created_by" uuid,
        "title" character varying(200) NOT NULL,
        "body" text NOT NULL,
        "role" character varying(16),
        "status" character varying(16) NOT NULL DEFAULT 'pending',
        "cursor_user_id" uuid,
        "users_processed" integer NOT NULL DEFAULT 0,
        "notifications_created" integer NOT NULL DEFAULT 0,
        "deliveries_queued" integer NOT NULL DEFAULT 0,
        "deliveries_skipped" integer NOT NULL DEFAULT 0,
        "started_at" TIMESTAMP WITH TIME ZONE,
        "completed_at" TIMESTAMP WITH TIME ZONE,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "notification_broadcasts_status_check" CHECK ("status" IN ('pending', 'running', 'completed')),
        CONSTRAINT "notification_broadcasts_role_check" CHECK ("role" IS NULL OR "role" IN ('user', 'admin')),
        CONSTRAINT "notification_broadcasts_counts_check" CHECK ("users_processed" >= 0 AND "notifications_created" >= 0 AND "deliveries_queued" >= 0 AND "deliveries_skipped" >= 0),
        CONSTRAINT "PK_notification_broadcasts" PRIMARY KEY ("id"),
        CONSTRAINT "notification_broadcasts_created_by_fkey" FOREIGN KEY ("created_by")
          REFERENCES "users"("id") ON DELETE SET NULL
      )`);

    await q.query(`
      CREATE TABLE "notifications" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "user_id" uuid NOT NULL,
        "type" character varying(64) NOT NULL,
        "category" character varying(16) NOT NULL,
        "idempotency_key" character varying(200) NOT NULL,
        "title" character varying(300) NOT NULL,
        "body" text NOT NULL,
        "data" jsonb NOT NULL,
        "inbox" boolean NOT NULL,
        "broadcast_id" uuid,
        "read_at" TIMESTAMP WITH TIME ZONE,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "notifications_category_check" CHECK ("category" IN ('security', 'account', 'payments', 'marketing')),
        CONSTRAINT "PK_notifications" PRIMARY KEY ("id"),
        CONSTRAINT "notifications_user_id_fkey" FOREIGN KEY ("user_id")
          REFERENCES "users"("id") ON DELETE CASCADE,
        CONSTRAINT "notifications_broadcast_id_fkey" FOREIGN KEY ("broadcast_id")
          REFERENCES "notification_broadcasts"("id") ON DELETE SET NULL
      )`);
    await q.query(
      `CREATE UNIQUE INDEX "notifications_user_key_unique" ON "notifications" ("user_id", "idempotency_key")`,
    );
    await q.query(
      `CREATE INDEX "notifications_inbox_idx" ON "notifications" ("user_id", "created_at", "id") WHERE inbox`,
    );
    await q.query(
      `CREATE INDEX "notifications_unread_idx" ON "notifications" ("user_id") WHERE inbox AND read_at IS NULL`,
    );
    await q.query(
      `CREATE INDEX "notifications_broadcast_idx" ON "notifications" ("broadcast_id") WHERE broadcast_id IS NOT NULL`,
    );

    await q.query(`
      CREATE TABLE "notification_deliveries" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "notification_id" uuid NOT NULL,
        "channel" character varying(16) NOT NULL,
        "status" character varying(16) NOT NULL,
        "attempts" integer NOT NULL DEFAULT 0,
        "last_error" text,
        "provider_message_id" character varying(255),
        "scheduled_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "claimed_until" TIMESTAMP WITH TIME ZONE,
        "sent_at" TIMESTAMP WITH TIME ZONE,
        "failed_at" TIMESTAMP WITH TIME ZONE,
        "sent_device_ids" jsonb,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "notification_deliveries_channel_check" CHECK ("channel" IN ('email', 'push', 'in_app')),
        CONSTRAINT "notification_deliveries_status_check" CHECK ("status" IN ('queued', 'sending', 'sent', 'failed', 'skipped')),
        CONSTRAINT "notification_deliveries_attempts_check" CHECK ("attempts" >= 0),
        CONSTRAINT "PK_notification_deliveries" PRIMARY KEY ("id"),
        CONSTRAINT "notification_deliveries_notification_id_fkey" FOREIGN KEY ("notification_id")
          REFERENCES "notifications"("id") ON DELETE CASCADE
      )`);
    await q.query(
      `CREATE UNIQUE INDEX "notification_deliveries_channel_unique" ON "notification_deliveries" ("notification_id", "channel")`,
    );

    await q.query(`
      CREATE TABLE "notification_preferences" (
        "user_id" uuid NOT NULL,
        "channels" jsonb NOT NULL,
        "quiet_hours_start" character varying(5),
        "quiet_hours_end" character varying(5),
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "notification_preferences_quiet_hours_check" CHECK (("quiet_hours_start" IS NULL) = ("quiet_hours_end" IS NULL)),
        CONSTRAINT "PK_notification_preferences" PRIMARY KEY ("user_id"),
        CONSTRAINT "notification_preferences_user_id_fkey" FOREIGN KEY ("user_id")
          REFERENCES "users"("id") ON DELETE CASCADE
      )`);

    await q.query(`
      CREATE TABLE "push_devices" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "user_id" uuid NOT NULL,
        "token" character varying(512) NOT NULL,
        "platform" character varying(8) NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "push_devices_platform_check" CHECK ("platform" IN ('ios', 'android', 'web')),
        CONSTRAINT "PK_push_devices" PRIMARY KEY ("id"),
        CONSTRAINT "push_devices_user_id_fkey" FOREIGN KEY ("user_id")
          REFERENCES "users"("id") ON DELETE CASCADE
      )`);
    await q.query(`CREATE UNIQUE INDEX "push_devices_token_unique" ON "push_devices" ("token")`);
    await q.query(`CREATE INDEX "push_devices_user_idx" ON "push_devices" ("user_id")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "push_devices"`);
    await q.query(`DROP TABLE "notification_preferences"`);
    await q.query(`DROP TABLE "notification_deliveries"`);
    await q.query(`DROP TABLE "notifications"`);
    await q.query(`DROP TABLE "notification_broadcasts"`);
  }
}
