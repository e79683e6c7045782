import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Passkeys (WebAuthn credentials): a user signs in with one instead of a password. */
export class Passkeys1763716700000 implements MigrationInterface {
  name = 'Passkeys1763716700000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "passkeys" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "user_id" uuid NOT NULL, "credential_id" character varying(1024) NOT NULL, "public_key" bytea NOT NULL, "counter" bigint NOT NULL DEFAULT '0', "transports" text array NOT NULL DEFAULT '{}', "device_type" character varying(16) NOT NULL, "backed_up" boolean NOT NULL, "name" character varying(100) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "last_used_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "passkeys_device_type_check" CHECK ("device_type" IN ('singleDevice', 'multiDevice')), CONSTRAINT "PK_passkeys" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE INDEX "passkeys_user_created_idx" ON "passkeys" ("user_id", "created_at", "id")`,
    );
    await q.query(
      `CREATE UNIQUE INDEX "passkeys_credential_id_unique" ON "passkeys" ("credential_id")`,
    );
    await q.query(
      `ALTER TABLE "passkeys" ADD CONSTRAINT "FK_passkeys_user" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "passkeys"`);
  }
}
