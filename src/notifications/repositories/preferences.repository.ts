import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository, type EntityManager } from 'typeorm';
import {
  applyPreferences,
  DEFAULT_PREFERENCES,
  DEFAULT_SETTINGS,
  type NotificationSettings,
  type PreferencesUpdate,
} from '../domain/preferences.js';
import type { QuietHours } from '../domain/quiet-hours.js';
import { NotificationPreference } from '../entities/notification-preference.entity.js';

/** What a row stores: only the switches the user set, and the quiet-hours window. */
export interface StoredPreferences {
  channels: PreferencesUpdate;
  quietHours: QuietHours | null;
}

/** The notification_preferences table: one row per user who ever saved preferences. */
@Injectable()
export class PreferencesRepository {
  constructor(
    @InjectRepository(NotificationPreference)
    private readonly rows: Repository<NotificationPreference>,
  ) {}

  /** The user's settings; the defaults when never set. */
  async settingsFor(userId: string): Promise<NotificationSettings> {
    const row = await this.rows.findOne({ where: { userId } });
    return row ? toSettings(row) : DEFAULT_SETTINGS;
  }

  /** Settings of many users at once (one query per batch); users never set are absent. */
  async settingsForMany(userIds: string[]): Promise<Map<string, NotificationSettings>> {
    if (userIds.length === 0) return new Map();
    const rows = await this.rows.find({ where: { userId: In(userIds) } });
    return new Map(rows.map((row) => [row.userId, toSettings(row)]));
  }

  /** The user's stored row, locked until the transaction ends (created empty when missing). */
  async lockForUpdate(manager: EntityManager, userId: string): Promise<StoredPreferences> {
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
    return {
      channels: existing?.channels ?? {},
      quietHours:
        existing && existing.quietHoursStart && existing.quietHoursEnd
          ? { start: existing.quietHoursStart, end: existing.quietHoursEnd }
          : null,
    };
  }

  async save(
    manager: EntityManager,
    userId: string,
    stored: StoredPreferences,
  ): Promise<NotificationSettings> {
    const repo = manager.getRepository(NotificationPreference);
    const row = repo.create({
      userId,
      channels: stored.channels,
      quietHoursStart: stored.quietHours?.start ?? null,
      quietHoursEnd: stored.quietHours?.end ?? null,
    });
    await repo.save(row);
    return toSettings(row);
  }
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
