import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { statusTitle } from './problem-details.js';

const DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid request (validation errors are listed in `errors`)',
  401: 'Missing, invalid or expired access token',
  403: 'Authenticated but not allowed',
  404: 'Not found (also for resources of other users)',
  409: 'Conflict with the current state',
  413: 'Request body too large',
  422: 'Unprocessable: the request conflicts with an earlier one',
  429: 'Too many requests; see Retry-After',
};

/** Documents error responses; the document's post-processing gives them the problem+json schema. */
export function ApiProblems(...statuses: number[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ...statuses.map((status) =>
      ApiResponse({ status, description: DESCRIPTIONS[status] ?? statusTitle(status) }),
    ),
  );
}
