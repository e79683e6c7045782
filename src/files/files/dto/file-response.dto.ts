import { ApiProperty } from '@nestjs/swagger';
import {
  FILE_PURPOSES,
  FILE_STATUSES,
  type FilePurpose,
  type FileStatus,
  type StoredFile,
} from '../../entities/stored-file.entity.js';

export class FileVariantDto {
  @ApiProperty({ example: 'avatar-256' })
  name: string;

  @ApiProperty({ example: 'image/webp' })
  contentType: string;

  @ApiProperty({ type: 'integer' })
  size: number;

  @ApiProperty({ type: 'integer' })
  width: number;

  @ApiProperty({ type: 'integer' })
  height: number;
}

export class FileResponseDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ enum: FILE_PURPOSES, enumName: 'FilePurpose' })
  purpose: FilePurpose;

  @ApiProperty({
    enum: FILE_STATUSES,
    enumName: 'FileStatus',
    description:
      '`pending`: waiting for the bytes and complete; `processing`: an image being re-encoded; ' +
      '`ready`; `rejected`: see rejectionReason (the bytes were deleted)',
  })
  status: FileStatus;

  @ApiProperty()
  filename: string;

  @ApiProperty({ example: 'image/png' })
  contentType: string;

  @ApiProperty({ type: 'integer' })
  size: number;

  @ApiProperty({ type: [FileVariantDto] })
  variants: FileVariantDto[];

  @ApiProperty({
    nullable: true,
    type: String,
    description:
      'Why the file was rejected: `empty`, `size-mismatch`, `type-mismatch` (the bytes are not ' +
      'the declared type), `active-content`, or one the image processing gives',
  })
  rejectionReason: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  completedAt: string | null;
}

export class FileListResponseDto {
  @ApiProperty({ type: [FileResponseDto] })
  data: FileResponseDto[];

  @ApiProperty({ nullable: true, type: String })
  nextCursor: string | null;
}

export function toFileResponse(file: StoredFile): FileResponseDto {
  return {
    id: file.id,
    purpose: file.purpose,
    status: file.status,
    filename: file.filename,
    contentType: file.contentType,
    size: file.size,
    variants: (file.variants ?? []).map((v) => ({
      name: v.name,
      contentType: v.contentType,
      size: v.size,
      width: v.width,
      height: v.height,
    })),
    rejectionReason: file.rejectionReason,
    createdAt: file.createdAt.toISOString(),
    completedAt: file.completedAt ? file.completedAt.toISOString() : null,
  };
}
