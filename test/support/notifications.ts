import { randomUUID } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { NotificationType } from '../../src/notifications/domain/catalogue.js';
import type { NotifyRequest } from '../../src/notifications/outbox-events.js';
import { NotificationsService } from '../../src/notifications/notifications.service.js';

/** The real entry point other modules use: notify inside a committed transaction. */
export async function notify<T extends NotificationType>(
  app: INestApplicationContext,
  request: NotifyRequest<T>,
): Promise<void> {
  const service = app.get(NotificationsService);
  await app.get(DataSource).transaction((manager) => service.notify(manager, request));
}

export interface DeliveryRecord {
  id: string;
  channel: string;
  status: string;
  attempts: number;
  last_error: string | null;
  provider_message_id: string | null;
  scheduled_at: Date;
}

export async function deliveriesOf(
  app: INestApplicationContext,
  userId: string,
  idempotencyKey: string,
): Promise<Record<string, DeliveryRecord>> {
  const rows: DeliveryRecord[] = await app.get(DataSource).query(
    `SELECT d.id, d.channel, d.status, d.attempts, d.last_error, d.provider_message_id, d.scheduled_at
       FROM notification_deliveries d JOIN notifications n ON n.id = d.notification_id
      WHERE n.user_id = $1 AND n.idempotency_key = $2`,
    [userId, idempotencyKey],
  );
  return Object.fromEntries(rows.map((r) => [r.channel, r]));
}

export function paymentData(amount = 1999) {
  return {
    amount,
    currency: 'usd',
    description: 'Pro plan',
    paymentId: randomUUID(),
  };
}
