import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Two-factor authentication: an authenticator app (TOTP) per account and its recovery codes. */
export class Mfa1763716600000 implements MigrationInterface {
  name = 'Mfa1763716600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "totp_factors" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "user_id" uuid NOT NULL,
        "secret_sealed" text NOT NULL,
        "activated_at" TIMESTAMP WITH TIME ZONE,
        "last_time_step" integer,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_totp_factors" PRIMARY KEY ("id"),
        CONSTRAINT "FK_totp_factors_user" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE
      )`);
    await q.query(`CREATE UNIQUE INDEX "totp_factors_user_unique" ON "totp_factors" ("user_id")`);
    await q.query(`
      CREATE TABLE "mfa_recovery_codes" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "user_id" uuid NOT NULL,
        "code_hash" character(64) NOT NULL,
        "used_at" TIMESTAMP WITH TIME ZONE,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_mfa_recovery_codes" PRIMARY KEY ("id"),
        CONSTRAINT "FK_mfa_recovery_codes_user" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE
      )`);
    await q.query(
      `CREATE UNIQUE INDEX "mfa_recovery_codes_user_hash_unique" ON "mfa_recovery_codes" ("user_id", "code_hash")`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "mfa_recovery_codes"`);
    await q.query(`DROP TABLE "totp_factors"`);
  }
}
