import type { Role } from '../../common/auth/auth-principal.js';
import type { BroadcastStatus } from '../entities/notification-broadcast.entity.js';

export interface DeliveryCounts {
  queued: number;
  sent: number;
  failed: number;
  skipped: number;
}

/** Deliveries by channel, the in-app channel spelt as the API spells it. */
export interface BroadcastDeliveries {
  email: DeliveryCounts;
  push: DeliveryCounts;
  inApp: DeliveryCounts;
}

/** A broadcast as its admin follows it. */
export interface BroadcastProgress {
  id: string;
  status: BroadcastStatus;
  title: string;
  role: Role | null;
  usersProcessed: number;
  notificationsCreated: number;
  deliveries: BroadcastDeliveries;
  createdAt: Date;
  startedAt: Date | null;
  completedAt: Date | null;
}

/** One (channel, status) group of a broadcast's deliveries, as stored. */
export interface DeliveryCount {
  channel: string;
  status: string;
  n: number;
}

export function tallyDeliveries(counts: DeliveryCount[]): BroadcastDeliveries {
  const empty = (): DeliveryCounts => ({ queued: 0, sent: 0, failed: 0, skipped: 0 });
  const deliveries = { email: empty(), push: empty(), inApp: empty() };
  for (const c of counts) {
    const channel = c.channel === 'in_app' ? 'inApp' : (c.channel as 'email' | 'push');
    // `sending` is internal: still queued as far as the caller can tell.
    const status = c.status === 'sending' ? 'queued' : (c.status as keyof DeliveryCounts);
    deliveries[channel][status] += c.n;
  }
  return deliveries;
}
