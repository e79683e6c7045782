import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Social sign-in: the OpenID provider accounts (provider + subject) linked to each user. */
export class UserIdentities1763716500000 implements MigrationInterface {
  name = 'UserIdentities1763716500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "user_identities" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "user_id" uuid NOT NULL,
        "provider" character varying(32) NOT NULL,
        "subject" character varying(255) NOT NULL,
        "email" character varying(254),
        "last_used_at" TIMESTAMP WITH TIME ZONE,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_user_identities" PRIMARY KEY ("id"),
        CONSTRAINT "FK_user_identities_user" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE
      )`);
    await q.query(
      `CREATE UNIQUE INDEX "user_identities_provider_subject_unique" ON "user_identities" ("provider", "subject")`,
    );
    await q.query(
      `CREATE INDEX "user_identities_user_created_idx" ON "user_identities" ("user_id", "created_at", "id")`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "user_identities"`);
  }
}
