import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Sessions per device, one-time tokens (email verification, password reset), auth events. */
export class Auth1763715800000 implements MigrationInterface {
  name = 'Auth1763715800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "sessions" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "user_id" uuid NOT NULL,
        "current_token_hash" character(64) NOT NULL,
        "previous_token_hash" character(64),
        "rotated_at" TIMESTAMP WITH TIME ZONE,
        "device_name" character varying(100) NOT NULL,
        "user_agent" character varying(512),
        "ip_address" character varying(64),
        "last_used_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "revoked_at" TIMESTAMP WITH TIME ZONE,
        "revoked_reason" character varying(32),
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "sessions_revoked_check" CHECK (("revoked_at" IS NULL) = ("revoked_reason" IS NULL)),
        CONSTRAINT "PK_sessions" PRIMARY KEY ("id"),
        CONSTRAINT "FK_sessions_user" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE
      )`);
    await q.query(
      `CREATE UNIQUE INDEX "sessions_current_token_hash_unique" ON "sessions" ("current_token_hash")`,
    );
    await q.query(
      `CREATE INDEX "sessions_previous_token_hash_idx" ON "sessions" ("previous_token_hash") WHERE "previous_token_hash" IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX "sessions_user_active_idx" ON "sessions" ("user_id", "created_at") WHERE "revoked_at" IS NULL`,
    );

    await q.query(`
      CREATE TABLE "auth_tokens" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "user_id" uuid NOT NULL,
        "purpose" character varying(32) NOT NULL,
        "token_hash" character(64) NOT NULL,
        "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "used_at" TIMESTAMP WITH TIME ZONE,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "auth_tokens_purpose_check" CHECK ("purpose" IN ('email_verification', 'password_reset')),
        CONSTRAINT "PK_auth_tokens" PRIMARY KEY ("id"),
        CONSTRAINT "FK_auth_tokens_user" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE
      )`);
    await q.query(
      `CREATE UNIQUE INDEX "auth_tokens_token_hash_unique" ON "auth_tokens" ("token_hash")`,
    );
    await q.query(
      `CREATE INDEX "auth_tokens_user_unused_idx" ON "auth_tokens" ("user_id", "purpose") WHERE "used_at" IS NULL`,
    );

    await q.query(`
      CREATE TABLE "auth_events" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "user_id" uuid,
        "session_id" uuid,
        "actor_id" uuid,
        "type" character varying(40) NOT NULL,
        "ip_address" character varying(64),
        "user_agent" character varying(512),
        "request_id" character varying(128),
        "details" jsonb NOT NULL DEFAULT '{}',
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_auth_events" PRIMARY KEY ("id"),
        CONSTRAINT "FK_auth_events_user" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE SET NULL
      )`);
    await q.query(
      `CREATE INDEX "auth_events_user_created_idx" ON "auth_events" ("user_id", "created_at", "id")`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "auth_events"`);
    await q.query(`DROP TABLE "auth_tokens"`);
    await q.query(`DROP TABLE "sessions"`);
  }
}
