import { ApiProperty } from '@nestjs/swagger';

export class LiveResponseDto {
  @ApiProperty({ example: 'ok' })
  status: 'ok';
}

/** One dependency's entry: `up`, or `down` with what went wrong. */
const DEPENDENCIES = {
  type: 'object' as const,
  additionalProperties: {
    type: 'object',
    required: ['status'],
    properties: {
      status: { type: 'string', enum: ['up', 'down'] },
      message: { type: 'string', description: 'Why the dependency is down' },
      responseTime: { type: 'integer', description: 'Milliseconds the check took' },
    },
  },
};

type Dependencies = Record<
  string,
  { status: 'up' | 'down'; message?: string; responseTime?: number }
>;

/** Terminus's report, as it is sent. */
export class HealthResponseDto {
  @ApiProperty({ enum: ['ok', 'error', 'shutting_down'], enumName: 'HealthStatus' })
  status: string;

  @ApiProperty({
    ...DEPENDENCIES,
    description: 'The dependencies that are up (database, redis)',
    example: { database: { status: 'up' }, redis: { status: 'up' } },
  })
  info: Dependencies;

  @ApiProperty({
    ...DEPENDENCIES,
    description: 'The dependencies that are down, with a message',
    example: {},
  })
  error: Dependencies;

  @ApiProperty({
    ...DEPENDENCIES,
    description: 'Every dependency (database, redis) with its status: `info` and `error` together',
    example: { database: { status: 'up' }, redis: { status: 'up' } },
  })
  details: Dependencies;
}
