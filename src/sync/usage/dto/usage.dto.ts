import { ApiProperty } from '@nestjs/swagger';
import type { SyncUsage } from '../../domain/sync-views.js';

export class SyncUsageResponseDto {
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Live documents' })
  documents: number;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'Bytes of their values as JSON' })
  bytes: number;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'Deleted documents still kept' })
  tombstones: number;
}

export const toSyncUsageResponse = (usage: SyncUsage): SyncUsageResponseDto => ({ ...usage });
