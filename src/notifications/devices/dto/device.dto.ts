import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsString, MaxLength, MinLength } from 'class-validator';
import type { PushPlatform } from '../channels/push.transport.js';
import { PUSH_PLATFORMS } from '../entities/push-device.entity.js';

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
