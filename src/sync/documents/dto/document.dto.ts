import { ApiProperty } from '@nestjs/swagger';
import { Allow, Matches } from 'class-validator';
import { COLLECTION_PATTERN, COLLECTION_RULE, KEY_PATTERN, KEY_RULE } from '../../domain/names.js';
import type { SyncDocumentView } from '../../domain/sync-views.js';

/** Any JSON value but null (object, array, string, number, boolean): what a document holds. */
// Spelled as alternatives: beside a bare `not: null`, @nestjs/swagger would add the reflected
// `type: object`, and `type: number` is kept out of the document (no-floating-point).
const VALUE_ALTERNATIVES = [
  { type: 'object', additionalProperties: true },
  { type: 'array', items: {} },
  { description: 'a string, number or boolean', not: { type: ['object', 'array', 'null'] } },
];
export const JSON_VALUE_SCHEMA = { anyOf: VALUE_ALTERNATIVES };

/** A document's value in the change feed: any JSON, null for a tombstone. */
export const JSON_VALUE_OR_NULL_SCHEMA = { anyOf: [...VALUE_ALTERNATIVES, { type: 'null' }] };

export class CollectionParamsDto {
  @ApiProperty({ pattern: COLLECTION_PATTERN.source, example: 'settings' })
  @Matches(COLLECTION_PATTERN, { message: `collection ${COLLECTION_RULE}` })
  collection: string;
}

export class DocumentParamsDto extends CollectionParamsDto {
  @ApiProperty({ pattern: KEY_PATTERN.source, example: 'theme' })
  @Matches(KEY_PATTERN, { message: `key ${KEY_RULE}` })
  key: string;
}

export class PutDocumentDto {
  @ApiProperty({
    ...JSON_VALUE_SCHEMA,
    description:
      'Any JSON value but null, at most SYNC_MAX_VALUE_BYTES (64 KiB) as JSON text. Delete the document instead of storing null.',
    example: { theme: 'dark' },
  })
  // Checked by the service (encodeValue): any JSON but null, within the size limit.
  @Allow()
  value: unknown;
}

export class SyncDocumentResponseDto {
  @ApiProperty({ example: 'settings' }) collection: string;
  @ApiProperty({ example: 'theme' }) key: string;
  @ApiProperty({ type: 'integer', minimum: 1, description: 'Revision, +1 per change; the ETag' })
  rev: number;
  @ApiProperty({ ...JSON_VALUE_SCHEMA, example: { theme: 'dark' } }) value: unknown;
  @ApiProperty({ type: String, format: 'date-time' }) updatedAt: string;
}

export class SyncDocumentPageDto {
  @ApiProperty({ type: [SyncDocumentResponseDto] })
  data: SyncDocumentResponseDto[];

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass as `cursor` for the next page; null on the last page',
  })
  nextCursor: string | null;
}

export function toSyncDocumentResponse(document: SyncDocumentView): SyncDocumentResponseDto {
  return {
    collection: document.collection,
    key: document.key,
    rev: document.rev,
    value: document.value,
    updatedAt: document.updatedAt.toISOString(),
  };
}
