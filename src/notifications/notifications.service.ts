import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { isUuid } from '../common/uuid.js';
import { OutboxService } from '../outbox/outbox.service.js';
import { isNotificationType, type NotificationType } from './domain/catalogue.js';
import { NotificationSecrets } from './notification-secrets.js';
import {
  NOTIFICATION_REQUESTED,
  type NotificationRequestedPayload,
  type NotifyRequest,
} from './outbox-events.js';

const IDEMPOTENCY_KEY_MAX = 200;

/**
 * The notifications module's public API. Other modules call `notify` inside their own
 * transaction: the request travels through the outbox, so a committed change always produces its
 * notification and a rolled back one never does. The worker renders it, stores it and delivers
 * it on every channel the user's preferences allow.
 */
@Injectable()
export class NotificationsService {
  constructor(
    private readonly outbox: OutboxService,
    private readonly secrets: NotificationSecrets,
  ) {}

  async notify<T extends NotificationType>(
    manager: EntityManager,
    request: NotifyRequest<T>,
  ): Promise<void> {
    const { userId, type, data, idempotencyKey } = request;
    // Programming errors surface in the caller's transaction, not later in a worker.
    if (!isUuid(userId)) throw new TypeError(`notify: userId "${userId}" is not a UUID`);
    if (!isNotificationType(type)) throw new TypeError(`notify: unknown type "${String(type)}"`);
    if (idempotencyKey.length < 1 || idempotencyKey.length > IDEMPOTENCY_KEY_MAX) {
      throw new TypeError(`notify: idempotencyKey must be 1..${IDEMPOTENCY_KEY_MAX} characters`);
    }
    const payload: NotificationRequestedPayload = {
      userId,
      type,
      data: this.secrets.seal(type, data as unknown as Record<string, unknown>),
      idempotencyKey,
    };
    await this.outbox.publish(manager, { type: NOTIFICATION_REQUESTED, payload: { ...payload } });
  }
}
