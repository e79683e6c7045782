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

  @ApiProperty({ type: 'integer', example: 400 })
  status: number;

  @ApiProperty({ example: 'The request body is invalid.' })
  detail: string;

  @ApiProperty({ example: '/api/v1/users/me', description: 'The request path' })
  instance: string;

  @ApiProperty({
    example: '9f2c7a0e-5b1d-4c43-8f5e-2f0e3c1d9a77',
    description: 'Quote it when reporting a problem: it finds the request in the logs',
  })
  requestId: string;

  @ApiPropertyOptional({ type: [FieldError], description: 'Validation errors, one per field' })
  errors?: FieldError[];

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 0,
    description: 'Seconds to wait before retrying (429, 503); the same as the Retry-After header',
  })
  retryAfter?: number;

  @ApiPropertyOptional({
    enum: ['too_short', 'too_long', 'common', 'matches_identity'],
    enumName: 'PasswordRejectionReason',
    description: 'Why a password was refused (type `urn:problem:weak-password`)',
  })
  reason?: string;
}

/** A problem being built: the edge adds `instance` and `requestId` just before it is sent. */
export type Problem = Omit<ProblemDetails, 'instance' | 'requestId'> &
  Partial<Pick<ProblemDetails, 'instance' | 'requestId'>> &
  Record<string, unknown>;

export function problemType(slug: string): string {
  return `urn:problem:${slug}`;
}

export function statusTitle(status: number): string {
  return STATUS_CODES[status] ?? 'Error';
}
