import { Injectable } from '@nestjs/common';
import type { UserContact } from '../../users/index.js';
import type { RenderedNotification } from '../domain/render.js';
import {
  NotificationsRepository,
  type DeliveryRow,
} from '../repositories/notifications.repository.js';
import { PushDevicesRepository } from '../repositories/push-devices.repository.js';
import {
  PermanentDeliveryError,
  PushTokenUnregisteredError,
} from './transports/delivery-errors.js';
import { PushTransport } from './transports/push.transport.js';
import { errorText, PartialPushError } from './delivery-failures.js';

/** How a claimed push delivery went, for DeliveryService to record. */
export type PushResult =
  | { outcome: 'skipped'; error: string }
  | { outcome: 'sent'; providerMessageId: string | null; error: string | null };

/**
 * Sends one push delivery to each of the user's devices it has not reached yet. The devices
 * reached are recorded on the delivery, so a retry after a transient failure skips them.
 */
@Injectable()
export class PushSender {
  constructor(
    private readonly push: PushTransport,
    private readonly devices: PushDevicesRepository,
    private readonly deliveries: NotificationsRepository,
  ) {}

  /** Throws PartialPushError (transient) or PermanentDeliveryError (no device accepted it). */
  async send(
    row: DeliveryRow,
    contact: UserContact,
    rendered: RenderedNotification,
  ): Promise<PushResult> {
    const devices = await this.devices.forUser(contact.id);
    const done = new Set(row.sent_device_ids ?? []);
    const pending = devices.filter((d) => !done.has(d.id));
    if (devices.length === 0 || (pending.length === 0 && done.size === 0)) {
      return { outcome: 'skipped', error: 'no registered push devices' };
    }
    const messageIds: string[] = [];
    const permanent: string[] = [];
    let transient: unknown = null;
    for (const device of pending) {
      try {
        const result = await this.push.send({
          token: device.token,
          platform: device.platform,
          title: rendered.push.title,
          body: rendered.push.body,
          data: { notificationId: row.notification_id, type: row.type },
        });
        done.add(device.id);
        messageIds.push(result.messageId);
      } catch (error) {
        if (error instanceof PushTokenUnregisteredError) {
          // The provider forgot this device: delete it (unless it was re-registered meanwhile).
          await this.devices.removeUnregistered(device);
          permanent.push(error.message);
        } else if (error instanceof PermanentDeliveryError) {
          permanent.push(error.message);
        } else {
          transient = error;
        }
      }
    }
    await this.deliveries.recordSentDevices(row.id, [...done]);
    if (transient) {
      throw new PartialPushError(
        `push failed on some devices (${done.size} sent): ${errorText(transient)}`,
        { cause: transient },
      );
    }
    if (done.size === 0) {
      throw new PermanentDeliveryError(permanent.join('; ') || 'no device accepted the push');
    }
    return {
      outcome: 'sent',
      providerMessageId: messageIds.join(' ').slice(0, 255) || null,
      error: permanent.length > 0 ? permanent.join('; ') : null,
    };
  }
}
