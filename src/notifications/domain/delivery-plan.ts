import { CATALOGUE, type Channel, type NotificationType } from './catalogue.js';
import { resolveChannels, type NotificationSettings } from './preferences.js';
import { deliverAt } from './quiet-hours.js';

export interface PlannedDelivery {
  channel: Channel;
  /** in-app is delivered by storing the notification: `sent` at once. */
  status: 'queued' | 'sent' | 'skipped';
  scheduledAt: Date;
}

export interface DeliveryPlan {
  /** Whether the notification shows in the in-app inbox. */
  inbox: boolean;
  deliveries: PlannedDelivery[];
}

/** Which channels a notification goes out on, and when (quiet hours), for one user. */
export function planDeliveries(
  type: NotificationType,
  settings: NotificationSettings,
  timeZone: string,
  now: Date,
): DeliveryPlan {
  const { category } = CATALOGUE[type];
  const { deliver, skipped } = resolveChannels(type, settings.preferences);
  const deliveries: PlannedDelivery[] = [];
  for (const channel of CATALOGUE[type].defaultChannels) {
    if (skipped.includes(channel)) {
      deliveries.push({ channel, status: 'skipped', scheduledAt: now });
    } else if (channel === 'in_app') {
      deliveries.push({ channel, status: 'sent', scheduledAt: now });
    } else if (deliver.includes(channel)) {
      const at = deliverAt(now, timeZone, settings.quietHours, category, channel);
      deliveries.push({ channel, status: 'queued', scheduledAt: at });
    }
  }
  const inbox = deliveries.some((d) => d.channel === 'in_app' && d.status === 'sent');
  return { inbox, deliveries };
}
