import { randomUUID } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { DataSource } from 'typeorm';

/*
 * Rows the API cannot make, and states a test must force (what a crash or a lost answer leaves
 * behind). Each writes a module's table directly, as fixture setup only: production code never
 * does this. Everything the API can do, a test does over HTTP (see `signUp`).
 */

const db = (app: INestApplicationContext) => app.get(DataSource);

export interface UserFields {
  email?: string;
  displayName?: string;
  locale?: string;
  timeZone?: string;
  role?: 'user' | 'admin';
  status?: 'active' | 'disabled';
}

/** A user without registration (no password, no mail sent). */
export async function insertUser(
  app: INestApplicationContext,
  fields: UserFields = {},
): Promise<{ id: string; email: string }> {
  const email = fields.email ?? `n-${randomUUID()}@example.com`;
  const [row] = await db(app).query(
    `INSERT INTO users (email, display_name, locale, time_zone, role, status)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
    [
      email,
      fields.displayName ?? 'Ann Example',
      fields.locale ?? 'en',
      fields.timeZone ?? 'UTC',
      fields.role ?? 'user',
      fields.status ?? 'active',
    ],
  );
  return { id: row.id, email };
}

/** `count` active users in one statement, for volume (a broadcast to thousands). */
export async function insertManyUsers(app: INestApplicationContext, count: number): Promise<void> {
  await db(app).query(
    `INSERT INTO users (email, display_name)
     SELECT 'bulk-' || g || '-' || $1 || '@example.test', 'Bulk ' || g FROM generate_series(1, $2) g`,
    [randomUUID(), count],
  );
}

/** The only way to a first admin besides the CLI: promote an account directly. */
export async function makeAdmin(app: INestApplicationContext, email: string): Promise<void> {
  await db(app).query(`UPDATE users SET role = 'admin' WHERE lower(email) = lower($1)`, [email]);
}

export async function setTimeZone(
  app: INestApplicationContext,
  userId: string,
  timeZone: string,
): Promise<void> {
  await db(app).query(`UPDATE users SET time_zone = $2 WHERE id = $1`, [userId, timeZone]);
}

/** Marks the user deleted without the scrubbing the API does. */
export async function softDeleteUser(app: INestApplicationContext, userId: string): Promise<void> {
  await db(app).query(`UPDATE users SET deleted_at = now() WHERE id = $1`, [userId]);
}

/** What a worker killed mid-send leaves behind: the delivery claimed (one attempt) until `until`. */
export async function leaveDeliveryClaimed(
  app: INestApplicationContext,
  deliveryId: string,
  until: Date,
): Promise<void> {
  await db(app).query(
    `UPDATE notification_deliveries SET status = 'sending', attempts = 1, claimed_until = $2
      WHERE id = $1`,
    [deliveryId, until.toISOString()],
  );
}

/** What a delivery whose every attempt failed looks like (the provider refused it for good). */
export async function leaveDeliveryFailed(
  app: INestApplicationContext,
  deliveryId: string,
): Promise<void> {
  await db(app).query(
    `UPDATE notification_deliveries
        SET status = 'failed', attempts = 3, failed_at = now(), sent_at = NULL,
            provider_message_id = NULL, last_error = 'SMTP 550 mailbox unavailable'
      WHERE id = $1`,
    [deliveryId],
  );
}

/** An outbox row written `createdHoursAgo`, sent `sentHoursAgo` (null: not sent yet). */
export async function insertOutboxEvent(
  app: INestApplicationContext,
  event: { id: string; type: string; createdHoursAgo: number; sentHoursAgo: number | null },
): Promise<void> {
  await db(app).query(
    `INSERT INTO outbox_events (id, type, payload, sent_at, created_at)
     VALUES ($1, $2, '{}', now() - make_interval(hours => $3), now() - make_interval(hours => $4))`,
    [event.id, event.type, event.sentHoursAgo, event.createdHoursAgo],
  );
}

/** The database of a stack whose app runs in other processes (cluster and faults suites). */
export interface SqlHandle {
  sql<T = Record<string, unknown>>(query: string, params?: unknown[]): Promise<T[]>;
}

/**
 * `count` users and one `account.welcome` request each, written to the outbox as `notify()` writes
 * it (type, payload, idempotency key): the workers relay, store and mail them. Returns the users'
 * emails, lower-cased as the mails' recipients are. `tag` starts every idempotency key
 * (`<tag>-welcome-<userId>`), so that a suite can count the events it seeded.
 */
export async function seedWelcomeNotifications(
  db: SqlHandle,
  tag: string,
  count: number,
): Promise<string[]> {
  const users = await db.sql<{ id: string; email: string }>(
    `INSERT INTO users (email, display_name, locale, time_zone)
     SELECT $2::text || '-' || i || '-' || $3 || '@example.test', 'User ' || i, 'en', 'UTC'
       FROM generate_series(1, $1::int) AS i
     RETURNING id, email`,
    [count, tag, randomUUID().slice(0, 8)],
  );
  await db.sql(
    `INSERT INTO outbox_events (id, type, payload)
     SELECT gen_random_uuid(), 'notifications.requested',
            jsonb_build_object('userId', u, 'type', 'account.welcome',
                               'data', jsonb_build_object('displayName', 'Seeded'),
                               'idempotencyKey', $2::text || '-welcome-' || u)
       FROM unnest($1::uuid[]) AS u`,
    [users.map((u) => u.id), tag],
  );
  return users.map((u) => u.email.toLowerCase());
}

/** What a process killed inside a provider call leaves: its operation lease, held for an hour. */
export async function holdPaymentOperation(
  app: INestApplicationContext,
  paymentId: string,
  operation: 'confirm' | 'cancel',
): Promise<void> {
  await db(app).query(
    `UPDATE payments SET operation = $2, operation_token = gen_random_uuid(),
            operation_expires_at = now() + interval '1 hour' WHERE id = $1`,
    [paymentId, operation],
  );
}

/** The lease of the operation in progress ran out a second ago. */
export async function expirePaymentOperation(
  app: INestApplicationContext,
  paymentId: string,
): Promise<void> {
  await db(app).query(
    `UPDATE payments SET operation_expires_at = now() - interval '1 second' WHERE id = $1`,
    [paymentId],
  );
}

/** The create call's answer was lost an hour ago: no intent id recorded, the provider made one. */
export async function loseProviderIntentId(
  app: INestApplicationContext,
  paymentId: string,
): Promise<void> {
  await db(app).query(
    `UPDATE payments SET provider_payment_id = NULL, status_changed_at = now() - interval '1 hour'
      WHERE id = $1`,
    [paymentId],
  );
}
