import { Injectable } from '@nestjs/common';
import { Transactions } from '../../database/transactions.js';
import { UsersService } from '../../users/index.js';
import { preferencesRefused } from '../domain/notifications.errors.js';
import {
  mergeOverrides,
  validatePreferencesUpdate,
  type NotificationSettings,
  type PreferencesUpdate,
} from '../domain/preferences.js';
import { validateQuietHours, type QuietHours } from '../domain/quiet-hours.js';
import { PreferencesRepository } from '../repositories/preferences.repository.js';

/** A user's settings with the zone their quiet hours are read in (their profile's). */
export interface PreferencesView {
  settings: NotificationSettings;
  timeZone: string;
}

export interface PreferencesChange {
  channels?: PreferencesUpdate;
  /** undefined keeps the window, null clears it. */
  quietHours?: QuietHours | null;
}

/** Per-user switches (category × channel) and quiet hours; defaults when never set. */
@Injectable()
export class PreferencesService {
  constructor(
    private readonly preferences: PreferencesRepository,
    private readonly users: UsersService,
    private readonly transactions: Transactions,
  ) {}

  async get(userId: string): Promise<PreferencesView> {
    const [settings, timeZone] = await Promise.all([
      this.preferences.settingsFor(userId),
      this.timeZoneOf(userId),
    ]);
    return { settings, timeZone };
  }

  /**
   * Applies a partial update: switches not named keep their value. Throws an `invalid`
   * DomainError naming the reason for a refused change.
   *
   * Concurrent updates of one user are applied one after another, each on top of the one before
   * (the row is created empty if missing, then locked): switches named by different requests
   * all take effect, and where several name the same switch or quiet hours, the last one wins.
   */
  async update(userId: string, change: PreferencesChange): Promise<PreferencesView> {
    const timeZone = await this.timeZoneOf(userId);
    const reason =
      validatePreferencesUpdate(change.channels ?? {}) ??
      (change.quietHours ? validateQuietHours(change.quietHours, timeZone) : null);
    if (reason) throw preferencesRefused(reason);
    const settings = await this.transactions.run(async (manager) => {
      const stored = await this.preferences.lockForUpdate(manager, userId);
      return this.preferences.save(manager, userId, {
        channels: mergeOverrides(stored.channels, change.channels ?? {}),
        quietHours: change.quietHours === undefined ? stored.quietHours : change.quietHours,
      });
    });
    return { settings, timeZone };
  }

  private async timeZoneOf(userId: string): Promise<string> {
    return (await this.users.findContact(userId))?.timeZone ?? 'UTC';
  }
}
