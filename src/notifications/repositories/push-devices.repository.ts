import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { PushPlatform } from '../worker/transports/push.transport.js';

/** A registered device as its owner sees it. */
export interface PushDeviceView {
  id: string;
  platform: PushPlatform;
  createdAt: Date;
  updatedAt: Date;
}

/** What a push delivery needs of a device. */
export interface PushTarget {
  id: string;
  token: string;
  platform: PushPlatform;
}

interface DeviceRow {
  id: string;
  platform: PushPlatform;
  created_at: Date;
  updated_at: Date;
  inserted: boolean;
}

/** The SQL of the push_devices table. A token is unique: registering it again moves it. */
@Injectable()
export class PushDevicesRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Inserts the token or moves it to the user; `created` when it was new. */
  async register(
    userId: string,
    token: string,
    platform: PushPlatform,
  ): Promise<{ device: PushDeviceView; created: boolean }> {
    const [row]: DeviceRow[] = await this.dataSource.query(
      `INSERT INTO push_devices (user_id, token, platform) VALUES ($1, $2, $3)
       ON CONFLICT (token) DO UPDATE
         SET user_id = EXCLUDED.user_id, platform = EXCLUDED.platform, updated_at = now()
       RETURNING id, platform, created_at, updated_at, (xmax = 0) AS inserted`,
      [userId, token, platform],
    );
    if (!row) throw new Error('device upsert returned nothing');
    return {
      created: row.inserted,
      device: {
        id: row.id,
        platform: row.platform,
        createdAt: row.created_at,
        updatedAt: row.updated_at,
      },
    };
  }

  /** False when the device does not exist or is not the user's. */
  async remove(userId: string, id: string): Promise<boolean> {
    const [, affected]: [unknown[], number] = await this.dataSource.query(
      `DELETE FROM push_devices WHERE id = $1 AND user_id = $2`,
      [id, userId],
    );
    return affected > 0;
  }

  /** The user's devices, oldest first. */
  forUser(userId: string): Promise<PushTarget[]> {
    return this.dataSource.query(
      `SELECT id, token, platform FROM push_devices WHERE user_id = $1 ORDER BY created_at`,
      [userId],
    );
  }

  /** Deletes a device the provider forgot, unless its token was re-registered meanwhile. */
  async removeUnregistered(device: PushTarget): Promise<void> {
    await this.dataSource.query(`DELETE FROM push_devices WHERE id = $1 AND token = $2`, [
      device.id,
      device.token,
    ]);
  }

  /** Which of these users have at least one device. */
  async usersWithDevices(userIds: string[]): Promise<Set<string>> {
    const rows: Array<{ user_id: string }> = await this.dataSource.query(
      `SELECT DISTINCT user_id FROM push_devices WHERE user_id = ANY($1::uuid[])`,
      [userIds],
    );
    return new Set(rows.map((r) => r.user_id));
  }
}
