import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsString, MaxLength, MinLength } from 'class-validator';
import type { PushPlatform } from '../../worker/transports/push.transport.js';
import { PUSH_PLATFORMS } from '../../entities/push-device.entity.js';
import type { PushDeviceView } from '../../repositories/push-devices.repository.js';

export class RegisterDeviceDto {
  @ApiProperty({ description: 'The FCM registration token of this app install', maxLength: 512 })
  @IsString()
  @MinLength(1)
  @MaxLength(512)
  token: string;

  @ApiProperty({ enum: PUSH_PLATFORMS, enumName: 'PushPlatform' })
  @IsIn(PUSH_PLATFORMS)
  platform: PushPlatform;
}

export class DeviceResponseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: PUSH_PLATFORMS, enumName: 'PushPlatform' }) platform: PushPlatform;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt: string;
  @ApiProperty({ type: String, format: 'date-time', description: 'Last registration' })
  updatedAt: string;
}

export function toDeviceResponse(device: PushDeviceView): DeviceResponseDto {
  return {
    id: device.id,
    platform: device.platform,
    createdAt: device.createdAt.toISOString(),
    updatedAt: device.updatedAt.toISOString(),
  };
}
