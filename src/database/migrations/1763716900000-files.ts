import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Files: every upload's state lives here, the bytes in object storage under `storage_key`.
 * pending (URL signed) → processing (bytes checked; images wait for the worker) → ready |
 * rejected. `variants` lists the derived objects (avatar sizes) with their keys.
 * A user's avatar is `users.avatar_file_id` and the object key shown (`avatar_key`), with no
 * foreign key: users must not depend on files (files depends on users), so the files module keeps
 * them right (it clears them when the file goes).
 */
export class Files1763716900000 implements MigrationInterface {
  name = 'Files1763716900000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "files" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "owner_id" uuid NOT NULL, "purpose" character varying(32) NOT NULL, "status" character varying(16) NOT NULL DEFAULT 'pending', "filename" character varying(255) NOT NULL, "content_type" character varying(127) NOT NULL, "size" bigint NOT NULL, "storage_key" character varying(512) NOT NULL, "variants" jsonb NOT NULL DEFAULT '[]', "rejection_reason" character varying(64), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "completed_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "files_purpose_check" CHECK ("purpose" IN ('avatar', 'attachment')), CONSTRAINT "files_status_check" CHECK ("status" IN ('pending', 'processing', 'ready', 'rejected')), CONSTRAINT "files_size_check" CHECK ("size" >= 0), CONSTRAINT "PK_files" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE INDEX "files_owner_created_idx" ON "files" ("owner_id", "created_at", "id")`,
    );
    await q.query(
      `CREATE INDEX "files_pending_created_idx" ON "files" ("created_at") WHERE "status" = 'pending'`,
    );
    await q.query(`CREATE UNIQUE INDEX "files_storage_key_unique" ON "files" ("storage_key")`);
    await q.query(
      `ALTER TABLE "files" ADD CONSTRAINT "FK_files_owner" FOREIGN KEY ("owner_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(`ALTER TABLE "users" ADD "avatar_file_id" uuid`);
    await q.query(`ALTER TABLE "users" ADD "avatar_key" character varying(512)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "users" DROP COLUMN "avatar_key"`);
    await q.query(`ALTER TABLE "users" DROP COLUMN "avatar_file_id"`);
    await q.query(`DROP TABLE "files"`);
  }
}
