import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { PushPlatform } from './channels/push.transport.js';
import type { DeviceResponseDto } from './dto/device.dto.js';

interface DeviceRow {
  id: string;
  platform: PushPlatform;
  created_at: Date;
  updated_at: Date;
  inserted: boolean;
}

/** A user's push devices. A token is unique: registering it again moves it to the caller. */
@Injectable()
export class DevicesService {
  constructor(private readonly dataSource: DataSource) {}

  async register(
    userId: string,
    token: string,
    platform: PushPlatform,
  ): Promise<{ device: DeviceResponseDto; created: boolean }> {
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
        createdAt: row.created_at.toISOString(),
        updatedAt: row.updated_at.toISOString(),
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
}
