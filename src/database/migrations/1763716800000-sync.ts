import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sync: a user's documents and their change feed.
 * - `sync_heads`, one row per user: the last change sequence number handed out and the live
 *   totals the limits check. A write locks it (`INSERT … ON CONFLICT DO UPDATE … RETURNING`,
 *   which also creates it on a user's first write) inside its transaction, so one user's
 *   changes commit in sequence order and a reader of the feed can never pass a change that
 *   commits later.
 * - `sync_documents`: the latest state of each document; a delete keeps the row as a tombstone
 *   (`deleted_at`, value null) until the retention has passed. `seq` is the change that wrote
 *   it: the change feed is the documents with `seq > cursor`, in `seq` order.
 * - `sync_mutations`: each applied mutation's result by its client id, so that a retried batch
 *   replays instead of applying twice.
 * `purged_seq` is the highest seq of a tombstone purged: a cursor below it may have missed a
 * delete, so the feed answers 410 and the client resyncs.
 */
export class Sync1763716800000 implements MigrationInterface {
  name = 'Sync1763716800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "sync_heads" ("user_id" uuid NOT NULL, "seq" bigint NOT NULL DEFAULT '0', "purged_seq" bigint NOT NULL DEFAULT '0', "documents" integer NOT NULL DEFAULT '0', "bytes" bigint NOT NULL DEFAULT '0', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_sync_heads" PRIMARY KEY ("user_id"))`,
    );
    await q.query(
      `ALTER TABLE "sync_heads" ADD CONSTRAINT "FK_sync_heads_user" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `CREATE TABLE "sync_documents" ("user_id" uuid NOT NULL, "collection" character varying(64) NOT NULL, "key" character varying(128) NOT NULL, "rev" integer NOT NULL, "seq" bigint NOT NULL, "value" jsonb, "size" integer NOT NULL DEFAULT '0', "deleted_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "sync_documents_tombstone_check" CHECK (("deleted_at" IS NULL) = ("value" IS NOT NULL)), CONSTRAINT "PK_sync_documents" PRIMARY KEY ("user_id", "collection", "key"))`,
    );
    await q.query(
      `CREATE UNIQUE INDEX "sync_documents_user_seq_idx" ON "sync_documents" ("user_id", "seq")`,
    );
    await q.query(
      `CREATE INDEX "sync_documents_tombstones_idx" ON "sync_documents" ("deleted_at") WHERE "deleted_at" IS NOT NULL`,
    );
    await q.query(
      `ALTER TABLE "sync_documents" ADD CONSTRAINT "FK_sync_documents_head" FOREIGN KEY ("user_id") REFERENCES "sync_heads"("user_id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `CREATE TABLE "sync_mutations" ("user_id" uuid NOT NULL, "mutation_id" character varying(128) NOT NULL, "client_id" character varying(128) NOT NULL, "result" jsonb NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_sync_mutations" PRIMARY KEY ("user_id", "mutation_id"))`,
    );
    await q.query(`CREATE INDEX "sync_mutations_created_idx" ON "sync_mutations" ("created_at")`);
    await q.query(
      `ALTER TABLE "sync_mutations" ADD CONSTRAINT "FK_sync_mutations_head" FOREIGN KEY ("user_id") REFERENCES "sync_heads"("user_id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "sync_mutations"`);
    await q.query(`DROP TABLE "sync_documents"`);
    await q.query(`DROP TABLE "sync_heads"`);
  }
}
