import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One provider call at a time per payment: the confirm or cancel calling the provider holds a
 * short lease on the row, so a concurrent one is told so (409) instead of racing it there.
 */
export class PaymentOperations1763716200000 implements MigrationInterface {
  name = 'PaymentOperations1763716200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE "payments"
        ADD "operation" varchar(16),
        ADD "operation_token" uuid,
        ADD "operation_expires_at" timestamptz,
        ADD CONSTRAINT "payments_operation_check" CHECK ("operation" IN ('confirm', 'cancel')),
        ADD CONSTRAINT "payments_operation_lease_check" CHECK (("operation" IS NULL) = ("operation_token" IS NULL) AND ("operation" IS NULL) = ("operation_expires_at" IS NULL))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE "payments"
        DROP CONSTRAINT "payments_operation_lease_check",
        DROP CONSTRAINT "payments_operation_check",
        DROP COLUMN "operation_expires_at",
        DROP COLUMN "operation_token",
        DROP COLUMN "operation"`);
  }
}
