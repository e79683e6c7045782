import { Injectable } from '@nestjs/common';
import { deviceNotFound } from '../domain/notifications.errors.js';
import {
  PushDevicesRepository,
  type PushDeviceView,
} from '../repositories/push-devices.repository.js';
import type { PushPlatform } from '../worker/transports/push.transport.js';

/** A user's push devices. A token is unique: registering it again moves it to the caller. */
@Injectable()
export class DevicesService {
  constructor(private readonly devices: PushDevicesRepository) {}

  register(
    userId: string,
    token: string,
    platform: PushPlatform,
  ): Promise<{ device: PushDeviceView; created: boolean }> {
    return this.devices.register(userId, token, platform);
  }

  /** Another user's device is as missing as one that does not exist. */
  async remove(userId: string, id: string): Promise<void> {
    if (!(await this.devices.remove(userId, id))) throw deviceNotFound();
  }
}
