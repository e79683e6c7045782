import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Users1763715700000 implements MigrationInterface {
  name = 'Users1763715700000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "users" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "email" character varying(254) NOT NULL,
        "display_name" character varying(100) NOT NULL,
        "role" character varying(16) NOT NULL DEFAULT 'user',
        "status" character varying(16) NOT NULL DEFAULT 'active',
        "email_verified_at" TIMESTAMP WITH TIME ZONE,
        "password_hash" character varying(255),
        "locale" character varying(35) NOT NULL DEFAULT 'en',
        "time_zone" character varying(64) NOT NULL DEFAULT 'UTC',
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "deleted_at" TIMESTAMP WITH TIME ZONE,
        CONSTRAINT "users_role_check" CHECK ("role" IN ('user', 'admin')),
        CONSTRAINT "users_status_check" CHECK ("status" IN ('active', 'disabled')),
        CONSTRAINT "PK_users" PRIMARY KEY ("id")
      )`);
    await q.query(
      `CREATE UNIQUE INDEX "users_email_unique" ON "users" (lower("email")) WHERE "deleted_at" IS NULL`,
    );
    // Admin search by email prefix: LIKE 'prefix%' on lower(email).
    await q.query(
      `CREATE INDEX "users_email_prefix_idx" ON "users" (lower("email") text_pattern_ops)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "users"`);
  }
}
