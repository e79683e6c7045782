import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every refresh token a session rotated out of its previous slot, so that presenting any older
 * generation is recognised as theft (the session's current and previous hashes cover the rest).
 * The rows live as long as their session.
 */
export class RefreshTokenFamily1763716400000 implements MigrationInterface {
  name = 'RefreshTokenFamily1763716400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "session_retired_tokens" (
        "token_hash" character(64) NOT NULL,
        "session_id" uuid NOT NULL,
        "retired_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_session_retired_tokens" PRIMARY KEY ("token_hash"),
        CONSTRAINT "FK_session_retired_tokens_session" FOREIGN KEY ("session_id") REFERENCES "sessions"("id") ON DELETE CASCADE
      )`);
    await q.query(
      `CREATE INDEX "session_retired_tokens_session_idx" ON "session_retired_tokens" ("session_id")`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "session_retired_tokens"`);
  }
}
