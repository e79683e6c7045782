import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { ProblemException } from '../http/problem.exception.js';
import { CATEGORIES, CHANNELS } from './domain/catalogue.js';
import {
  applyPreferences,
  DEFAULT_PREFERENCES,
  validatePreferencesUpdate,
  type Preferences,
  type PreferencesUpdate,
} from './domain/preferences.js';
import { validateQuietHours, type QuietHours } from './domain/quiet-hours.js';
import { NotificationPreference } from './entities/notification-preference.entity.js';

export interface NotificationSettings {
  preferences: Preferences;
  quietHours: QuietHours | null;
}

export const DEFAULT_SETTINGS: NotificationSettings = {
  preferences: DEFAULT_PREFERENCES,
  quietHours: null,
};

/** Per-user switches (category × channel) and quiet hours; defaults when never set. */
@Injectable()
export class PreferencesService {
  constructor(
    @InjectRepository(NotificationPreference)
    private readonly rows: Repository<NotificationPreference>,
  ) {}

  async settingsFor(userId: string): Promise<NotificationSettings> {
    const row = await this.rows.findOne({ where: { userId } });
    return row ? toSettings(row) : DEFAULT_SETTINGS;
  }

  /** Settings of many users at once (broadcast fan-out): one query per batch. */
  async settingsForMany(userIds: string[]): Promise<Map<string, NotificationSettings>> {
    if (userIds.length === 0) return new Map();
    const rows = await this.rows.find({ where: { userId: In(userIds) } });
    return new Map(rows.map((row) => [row.userId, toSettings(row)]));
  }

  /**
   * Applies a partial update: switches not named keep their value; `quietHours` undefined keeps
   * the window, null clears it. Throws a 400 problem naming the reason for a refused change.
   *
   * Concurrent updates of one user are applied one after another, each on top of the one before
   * (the row is created empty if missing, then locked): switches named by different requests
   * all take effect, and where several name the same switch or quiet hours, the last one wins.
   */
  async update(
    userId: string,
    change: { channels?: PreferencesUpdate; quietHours?: QuietHours | null },
    timeZone: string,
  ): Promise<NotificationSettings> {
    const reason =
      validatePreferencesUpdate(change.channels ?? {}) ??
      (change.quietHours ? validateQuietHours(change.quietHours, timeZone) : null);
    if (reason) {
      const slug = reason.startsWith('Security emails')
        ? 'security-email-required'
        : 'invalid-preferences';
      throw new ProblemException({ status: 400, slug, detail: reason });
    }
    return this.rows.manager.transaction(async (manager) => {
      const repo = manager.getRepository(NotificationPreference);
      // FOR UPDATE locks nothing that does not exist yet: two first writers would both insert.
      // An empty row means "all defaults", so creating it first changes nothing visible.
      await repo
        .createQueryBuilder()
        .insert()
        .values({ userId, channels: {}, quietHoursStart: null, quietHoursEnd: null })
        .orIgnore()
        .execute();
      const existing = await repo.findOne({
        where: { userId },
        lock: { mode: 'pessimistic_write' },
      });
      const channels = mergeOverrides(existing?.channels ?? {}, change.channels ?? {});
      const quiet =
        change.quietHours === undefined
          ? existing && existing.quietHoursStart && existing.quietHoursEnd
            ? { start: existing.quietHoursStart, end: existing.quietHoursEnd }
            : null
          : change.quietHours;
      const row = repo.create({
        userId,
        channels,
        quietHoursStart: quiet?.start ?? null,
        quietHoursEnd: quiet?.end ?? null,
      });
      await repo.save(row);
      return toSettings(row);
    });
  }
}

function mergeOverrides(base: PreferencesUpdate, update: PreferencesUpdate): PreferencesUpdate {
  const merged: PreferencesUpdate = {};
  for (const category of CATEGORIES) {
    const switches = { ...base[category], ...update[category] };
    const known = Object.fromEntries(
      CHANNELS.filter((ch) => typeof switches[ch] === 'boolean').map((ch) => [ch, switches[ch]]),
    );
    if (Object.keys(known).length > 0) merged[category] = known;
  }
  return merged;
}

function toSettings(row: NotificationPreference): NotificationSettings {
  return {
    preferences: applyPreferences(DEFAULT_PREFERENCES, row.channels ?? {}),
    quietHours:
      row.quietHoursStart && row.quietHoursEnd
        ? { start: row.quietHoursStart, end: row.quietHoursEnd }
        : null,
  };
}
