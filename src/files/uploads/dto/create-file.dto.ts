import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsInt, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { FILE_PURPOSES, type FilePurpose } from '../../entities/stored-file.entity.js';
import { FileResponseDto } from '../../files/dto/file-response.dto.js';

/** Far above any purpose's limit: the purpose's own limit answers 413 with its number. */
const SIZE_CEILING = 5 * 1024 * 1024 * 1024;

export class CreateFileDto {
  @ApiProperty({
    enum: FILE_PURPOSES,
    enumName: 'FilePurpose',
    description:
      '`avatar`: image/jpeg, image/png or image/webp, at most FILES_AVATAR_MAX_BYTES (5 MB); ' +
      '`attachment`: images, PDF, ZIP, plain text, CSV, MP3, MP4, at most ' +
      'FILES_ATTACHMENT_MAX_BYTES (25 MB)',
  })
  @IsIn(FILE_PURPOSES)
  purpose: FilePurpose;

  @ApiProperty({ example: 'me.png', minLength: 1, maxLength: 255 })
  @IsString()
  @MinLength(1)
  @MaxLength(255)
  filename: string;

  @ApiProperty({
    example: 'image/png',
    maxLength: 127,
    description: 'The media type, no parameters',
  })
  @IsString()
  @MaxLength(127)
  @Matches(/^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/, {
    message: 'contentType must be a lowercase media type such as image/png',
  })
  contentType: string;

  @ApiProperty({ type: 'integer', minimum: 1, maximum: SIZE_CEILING, example: 48213 })
  @IsInt()
  @Min(1)
  @Max(SIZE_CEILING)
  size: number;
}

export class SignedUploadDto {
  @ApiProperty({ enum: ['PUT', 'POST'] })
  method: 'PUT' | 'POST';

  @ApiProperty({ description: 'Where to send the bytes (object storage, or this API locally)' })
  url: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    description: 'PUT: send exactly these headers (they are signed)',
  })
  headers: Record<string, string>;

  @ApiProperty({ format: 'date-time' })
  expiresAt: string;
}

export class CreatedFileResponseDto extends FileResponseDto {
  @ApiProperty({ type: SignedUploadDto })
  upload: SignedUploadDto;
}
