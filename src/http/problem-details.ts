import { STATUS_CODES } from 'node:http';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export class FieldError {
  @ApiProperty({ example: 'email', description: 'Dotted path of the offending field' })
  field: string;

  @ApiProperty({ example: 'email must be an email' })
  message: string;
}

/** RFC 9457 problem details: the body of every error response. */
export class ProblemDetails {
  @ApiProperty({
    example: 'urn:problem:validation-failed',
    description: 'Identifies the kind of problem',
  })
  type: string;

  @ApiProperty({ example: 'Bad Request' })
  title: string;

  @ApiProperty({ example: 400 })
  status: number;

  @ApiPropertyOptional({ example: 'The request body is invalid.' })
  detail?: string;

  @ApiPropertyOptional({ example: '/api/v1/users/me' })
  instance?: string;

  @ApiPropertyOptional({ example: '9f2c7a0e-5b1d-4c43-8f5e-2f0e3c1d9a77' })
  requestId?: string;

  @ApiPropertyOptional({ type: [FieldError], description: 'Validation errors, one per field' })
  errors?: FieldError[];
}

export type Problem = Omit<ProblemDetails, never> & Record<string, unknown>;

export function problemType(slug: string): string {
  return `urn:problem:${slug}`;
}

export function statusTitle(status: number): string {
  return STATUS_CODES[status] ?? 'Error';
}
