import type { NotificationData, NotificationType } from './domain/catalogue.js';

// The notifications module's outbox events (rows relayed to the worker), not the real-time
// stream's events (`stream-events.ts`).

/** Outbox event: a module asked for a notification (published inside its transaction). */
export const NOTIFICATION_REQUESTED = 'notifications.requested';
/** Outbox event: an admin started a broadcast (published with the broadcast row). */
export const BROADCAST_REQUESTED = 'notifications.broadcast_requested';

/** What `NotificationsService.notify` takes; `data` is typed by the catalogue entry of `type`. */
export interface NotifyRequest<T extends NotificationType = NotificationType> {
  userId: string;
  type: T;
  data: NotificationData[T];
  /**
   * Unique per user and trigger, e.g. `email-verification:<token id>` or `payment:<id>:succeeded`.
   * The same key twice yields one notification.
   */
  idempotencyKey: string;
}

/** The outbox payload of NOTIFICATION_REQUESTED (JSON). */
export interface NotificationRequestedPayload {
  userId: string;
  type: NotificationType;
  data: Record<string, unknown>;
  idempotencyKey: string;
}

export interface BroadcastRequestedPayload {
  broadcastId: string;
}
