import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * How each session was authenticated (password, federated, second factor, passkey): access
 * tokens carry it as `amr` with the assurance level that follows, for step-up checks.
 */
export class SessionAmr1763716300000 implements MigrationInterface {
  name = 'SessionAmr1763716300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "sessions" ADD "amr" text array NOT NULL DEFAULT '{pwd}'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "sessions" DROP COLUMN "amr"`);
  }
}
