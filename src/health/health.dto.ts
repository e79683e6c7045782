import { ApiProperty } from '@nestjs/swagger';

export class LiveResponseDto {
  @ApiProperty({ example: 'ok' })
  status: 'ok';
}

class DependencyStatusDto {
  @ApiProperty({ enum: ['up', 'down'] })
  status: string;
}

export class HealthResponseDto {
  @ApiProperty({ enum: ['ok', 'error', 'shutting_down'] })
  status: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: { $ref: '#/components/schemas/DependencyStatusDto' },
  })
  details: Record<string, DependencyStatusDto>;
}

export { DependencyStatusDto };
