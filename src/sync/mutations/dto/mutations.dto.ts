import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  Allow,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { COLLECTION_PATTERN, COLLECTION_RULE, KEY_PATTERN, KEY_RULE } from '../../domain/names.js';
import type { MutationResult } from '../../domain/sync-views.js';
import { SyncChangeDto, toSyncChange } from '../../changes/dto/changes.dto.js';
import { JSON_VALUE_SCHEMA } from '../../documents/dto/document.dto.js';
import type { BatchOutcome } from '../mutations.service.js';

const MUTATION_OPS = ['put', 'delete'] as const;

export class MutationDto {
  @ApiProperty({
    description: 'Chosen by the client, unique per user (a UUID): a retry with it replays',
    minLength: 1,
    maxLength: 128,
  })
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  id: string;

  @ApiProperty({ enum: MUTATION_OPS, enumName: 'SyncMutationOp' })
  @IsIn(MUTATION_OPS)
  op: (typeof MUTATION_OPS)[number];

  @ApiProperty({ pattern: COLLECTION_PATTERN.source, example: 'drafts' })
  @IsString()
  @Matches(COLLECTION_PATTERN, { message: `collection ${COLLECTION_RULE}` })
  collection: string;

  @ApiProperty({ pattern: KEY_PATTERN.source, example: 'note-1' })
  @IsString()
  @Matches(KEY_PATTERN, { message: `key ${KEY_RULE}` })
  key: string;

  @ApiPropertyOptional({
    ...JSON_VALUE_SCHEMA,
    description:
      'For put: any JSON value but null (at most SYNC_MAX_VALUE_BYTES). Absent for delete.',
  })
  // Checked by the service (encodeValue).
  @Allow()
  value?: unknown;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 0,
    description:
      'Apply only if the document is at this rev (a tombstone counts; 0 = it must not exist); otherwise the result is a conflict. Absent: last writer wins.',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(2_147_483_647)
  baseRev?: number;
}

export class MutationBatchDto {
  @ApiProperty({ description: 'The device sending the batch', minLength: 1, maxLength: 128 })
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  clientId: string;

  @ApiProperty({
    type: [MutationDto],
    minItems: 1,
    description: 'Applied in order; at most SYNC_MAX_BATCH_MUTATIONS (500)',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ValidateNested({ each: true })
  @Type(() => MutationDto)
  mutations: MutationDto[];
}

const RESULT_STATUSES = ['applied', 'conflict'] as const;

export class MutationResultDto {
  @ApiProperty() id: string;

  @ApiProperty({ enum: RESULT_STATUSES, enumName: 'SyncMutationStatus' })
  status: (typeof RESULT_STATUSES)[number];

  @ApiPropertyOptional({ type: 'integer', minimum: 1, description: 'applied: the new rev' })
  rev?: number;

  @ApiPropertyOptional({
    type: SyncChangeDto,
    nullable: true,
    description:
      "conflict: the server's state of the document (a tombstone if deleted; null if it never existed)",
  })
  current?: SyncChangeDto | null;
}

export class MutationBatchResponseDto {
  @ApiProperty({ type: [MutationResultDto], description: 'One per mutation, in order' })
  results: MutationResultDto[];

  @ApiProperty({ description: 'The change feed position after this batch' })
  cursor: string;
}

export function toMutationResult(result: MutationResult): MutationResultDto {
  if (result.status === 'applied') return { id: result.id, status: 'applied', rev: result.rev };
  return {
    id: result.id,
    status: 'conflict',
    current: result.current && toSyncChange(result.current),
  };
}

export function toMutationBatchResponse(outcome: BatchOutcome): MutationBatchResponseDto {
  return { results: outcome.results.map(toMutationResult), cursor: outcome.cursor };
}
