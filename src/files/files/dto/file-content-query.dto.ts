import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches } from 'class-validator';

export class FileContentQueryDto {
  @ApiPropertyOptional({
    description:
      'A variant name from the file’s `variants` (e.g. an avatar size); the original when absent',
    maxLength: 64,
    pattern: '^[a-z0-9-]{1,64}$',
  })
  @IsOptional()
  @IsString()
  @Matches(/^[a-z0-9-]{1,64}$/)
  variant?: string;
}
