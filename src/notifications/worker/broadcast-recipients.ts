import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/index.js';
import { UsersService } from '../../users/index.js';
import { CATALOGUE } from '../domain/catalogue.js';
import { planDeliveries } from '../domain/delivery-plan.js';
import { DEFAULT_SETTINGS } from '../domain/preferences.js';
import { render } from '../domain/render.js';
import type { FanoutRow } from '../repositories/broadcasts.repository.js';
import type { RequestedNotification } from '../repositories/notifications.repository.js';
import { PreferencesRepository } from '../repositories/preferences.repository.js';
import { PushDevicesRepository } from '../repositories/push-devices.repository.js';

/**
 * Who a broadcast batch goes to and what each of them gets: the next active users after the
 * cursor, and their announcement planned by their own preferences and quiet hours.
 */
@Injectable()
export class BroadcastRecipients {
  constructor(
    private readonly users: UsersService,
    private readonly preferences: PreferencesRepository,
    private readonly devices: PushDevicesRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The next batch of active users (of the role, if any) after `afterUserId`. */
  next(afterUserId: string | null, role: FanoutRow['role']): Promise<string[]> {
    return this.users.activeUserIds(
      afterUserId,
      this.config.notifications.broadcastBatchSize,
      role ?? undefined,
    );
  }

  /** One announcement per user, with its deliveries planned. */
  async notifications(
    broadcast: FanoutRow,
    userIds: string[],
    now: Date,
  ): Promise<RequestedNotification[]> {
    const data = { title: broadcast.title, body: broadcast.body };
    // The announcement's in-app text is the admin's own, the same in every locale.
    const inApp = render('announcement', 'en', data).inApp;
    const settings = await this.preferences.settingsForMany(userIds);
    const zones = await this.zonesOfQuietUsers(
      userIds.filter((id) => settings.get(id)?.quietHours),
    );
    const withDevices = await this.devices.usersWithDevices(userIds);

    return userIds.map((userId) => {
      const plan = planDeliveries(
        'announcement',
        settings.get(userId) ?? DEFAULT_SETTINGS,
        zones.get(userId) ?? 'UTC',
        now,
      );
      // Without a device a push job would only find nothing to send: skip it here.
      const deliveries = plan.deliveries.map((d) =>
        d.channel === 'push' && d.status === 'queued' && !withDevices.has(userId)
          ? { ...d, status: 'skipped' as const }
          : d,
      );
      return {
        userId,
        type: 'announcement',
        category: CATALOGUE.announcement.category,
        idempotencyKey: `broadcast:${broadcast.id}`,
        title: inApp.title,
        body: inApp.body,
        data,
        inbox: plan.inbox,
        broadcastId: broadcast.id,
        deliveries,
      };
    });
  }

  /** Time zones of the few users with quiet hours (everyone else is never delayed). */
  private async zonesOfQuietUsers(userIds: string[]): Promise<Map<string, string>> {
    const contacts = await this.users.findContacts(userIds);
    return new Map([...contacts.values()].map((c) => [c.id, c.timeZone]));
  }
}
