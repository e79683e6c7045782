import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';

export class SetAvatarDto {
  @ApiProperty({
    format: 'uuid',
    description: 'A file of yours with purpose `avatar` and status `ready`',
  })
  @IsUUID()
  fileId: string;
}
