import { ApiProperty } from '@nestjs/swagger';
import type { Page } from '../../../common/pagination/keyset.js';
import type { Passkey } from '../../entities/passkey.entity.js';

export class PasskeyResponseDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'MacBook Touch ID' })
  name: string;

  @ApiProperty({
    enum: ['singleDevice', 'multiDevice'],
    description: 'multiDevice: a synced passkey (iCloud Keychain, Google Password Manager, …)',
  })
  deviceType: 'singleDevice' | 'multiDevice';

  @ApiProperty({ description: 'Whether the passkey is backed up (synced)' })
  backedUp: boolean;

  @ApiProperty({ type: [String], example: ['internal', 'hybrid'] })
  transports: string[];

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  lastUsedAt: string | null;
}

export class PasskeyPageDto {
  @ApiProperty({ type: [PasskeyResponseDto] })
  data: PasskeyResponseDto[];

  @ApiProperty({ type: String, nullable: true })
  nextCursor: string | null;
}

export function toPasskeyResponse(passkey: Passkey): PasskeyResponseDto {
  return {
    id: passkey.id,
    name: passkey.name,
    deviceType: passkey.deviceType,
    backedUp: passkey.backedUp,
    transports: passkey.transports,
    createdAt: passkey.createdAt.toISOString(),
    lastUsedAt: passkey.lastUsedAt?.toISOString() ?? null,
  };
}

export function toPasskeyPage(page: Page<Passkey>): PasskeyPageDto {
  return { data: page.items.map(toPasskeyResponse), nextCursor: page.nextCursor };
}
