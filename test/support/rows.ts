import type { INestApplicationContext } from '@nestjs/common';
import { DataSource } from 'typeorm';

/*
 * Reads of what the app wrote, for assertions that must see the row itself (a column the API
 * does not return, a webhook the API only acknowledges). Only the reads several specs repeat.
 */

const db = (app: INestApplicationContext) => app.get(DataSource);

export interface UserRow {
  email: string;
  display_name: string;
  password_hash: string | null;
  role: string;
  deleted_at: Date | null;
}

export async function userRow(app: INestApplicationContext, id: string): Promise<UserRow> {
  const [row] = await db(app).query(
    `SELECT email, display_name, password_hash, role, deleted_at FROM users WHERE id = $1`,
    [id],
  );
  return row;
}

export interface PaymentRow {
  status: string;
  provider_payment_id: string | null;
  amount_refunded: string;
  operation: string | null;
}

export async function paymentRow(app: INestApplicationContext, id: string): Promise<PaymentRow> {
  const [row] = await db(app).query(
    `SELECT status, provider_payment_id, amount_refunded, operation FROM payments WHERE id = $1`,
    [id],
  );
  return row;
}

/** The stored webhook events about one provider payment, in the order they arrived. */
export async function webhookEventsFor(
  app: INestApplicationContext,
  providerPaymentId: string,
): Promise<Array<{ type: string; status: string }>> {
  return db(app).query(
    `SELECT type, status FROM webhook_events WHERE event->>'providerPaymentId' = $1
      ORDER BY received_at`,
    [providerPaymentId],
  );
}

/** The status of each stored copy of one provider event (at most one, if deduplicated). */
export async function webhookEventStatuses(
  app: INestApplicationContext,
  eventId: string,
): Promise<string[]> {
  const rows: Array<{ status: string }> = await db(app).query(
    `SELECT status FROM webhook_events WHERE event_id = $1`,
    [eventId],
  );
  return rows.map((r) => r.status);
}

export async function notificationCount(
  app: INestApplicationContext,
  userId: string,
): Promise<number> {
  const [row] = await db(app).query(
    `SELECT count(*)::int AS n FROM notifications WHERE user_id = $1`,
    [userId],
  );
  return row.n;
}

/** The provider's id of a payment that has reached the provider. */
export async function providerPaymentIdOf(
  app: INestApplicationContext,
  id: string,
): Promise<string> {
  const { provider_payment_id } = await paymentRow(app, id);
  if (!provider_payment_id) throw new Error(`payment ${id} has no provider payment id`);
  return provider_payment_id;
}

/** The ids of a user's payments, whatever their state. */
export async function paymentIdsOf(
  app: INestApplicationContext,
  userId: string,
): Promise<string[]> {
  const rows: Array<{ id: string }> = await db(app).query(
    `SELECT id FROM payments WHERE user_id = $1`,
    [userId],
  );
  return rows.map((r) => r.id);
}

export async function refundsOf(
  app: INestApplicationContext,
  paymentId: string,
): Promise<Array<{ amount: string; status: string }>> {
  return db(app).query(`SELECT amount, status FROM refunds WHERE payment_id = $1`, [paymentId]);
}

/** A user's auth event types, oldest first. */
export async function authEventTypes(app: INestApplicationContext, userId: string) {
  const rows: Array<{ type: string }> = await db(app).query(
    `SELECT type FROM auth_events WHERE user_id = $1 ORDER BY created_at, id`,
    [userId],
  );
  return rows.map((r) => r.type);
}
