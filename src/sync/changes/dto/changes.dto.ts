import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import type { ChangesPage, StoredChange, SyncChangeView } from '../../domain/sync-views.js';
import { JSON_VALUE_OR_NULL_SCHEMA } from '../../documents/dto/document.dto.js';

export const DEFAULT_CHANGES_LIMIT = 100;

export class ChangesQueryDto {
  @ApiPropertyOptional({
    description: '`cursor` of the previous pull; omit it for the initial sync (from the beginning)',
    maxLength: 200,
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  since?: string;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: 1000,
    default: DEFAULT_CHANGES_LIMIT,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;

  @ApiPropertyOptional({
    description:
      'Only these collections, comma-separated. A cursor from a filtered pull is only good for the same filter.',
    example: 'settings,drafts',
    maxLength: 1000,
  })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  @Matches(/^[a-z0-9_-]{1,64}(,[a-z0-9_-]{1,64})*$/, {
    message: 'collections must be comma-separated collection names (a-z, 0-9, _ and -)',
  })
  collections?: string;
}

export class SyncChangeDto {
  @ApiProperty({ example: 'settings' }) collection: string;
  @ApiProperty({ example: 'theme' }) key: string;
  @ApiProperty({ type: 'integer', minimum: 1 }) rev: number;
  @ApiProperty({
    ...JSON_VALUE_OR_NULL_SCHEMA,
    description: 'The latest value; null for a deleted document',
  })
  value: unknown;
  @ApiProperty({ description: 'A tombstone: the document was deleted' }) deleted: boolean;
  @ApiProperty({ type: String, format: 'date-time' }) updatedAt: string;
}

export class ChangesResponseDto {
  @ApiProperty({
    type: [SyncChangeDto],
    description: 'The latest state of each document changed after `since`, in commit order',
  })
  changes: SyncChangeDto[];

  @ApiProperty({ description: 'Pass as `since` on the next pull' })
  cursor: string;

  @ApiProperty({ description: 'More changes are waiting: pull again at once' })
  hasMore: boolean;
}

export function toSyncChange(change: SyncChangeView | StoredChange): SyncChangeDto {
  return {
    collection: change.collection,
    key: change.key,
    rev: change.rev,
    value: change.value,
    deleted: change.deleted,
    updatedAt:
      typeof change.updatedAt === 'string' ? change.updatedAt : change.updatedAt.toISOString(),
  };
}

export function toChangesResponse(page: ChangesPage): ChangesResponseDto {
  return { changes: page.changes.map(toSyncChange), cursor: page.cursor, hasMore: page.hasMore };
}
