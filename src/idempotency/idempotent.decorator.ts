import { applyDecorators, SetMetadata, UseInterceptors } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import { ApiProblems } from '../http/api-problems.decorator.js';
import { IDEMPOTENT_OPTIONS, type IdempotentOptions } from './idempotency.constants.js';
import { IdempotencyInterceptor, MAX_IDEMPOTENCY_KEY_LENGTH } from './idempotency.interceptor.js';

/**
 * Makes an unsafe route safe to retry with an `Idempotency-Key` header, and documents the header
 * and its errors (400 missing/invalid, 409 in flight, 422 reused with another body) in OpenAPI.
 * Add `IDEMPOTENT_RESPONSE_HEADERS` to the route's success response documentation.
 */
export function Idempotent(options: IdempotentOptions = { required: true }): MethodDecorator {
  return applyDecorators(
    SetMetadata(IDEMPOTENT_OPTIONS, options),
    UseInterceptors(IdempotencyInterceptor),
    ApiHeader({
      name: 'Idempotency-Key',
      required: options.required,
      description:
        'A unique value per operation (a UUID is fine), reused on every retry of it. The same key ' +
        'with the same request returns the first response again for 24 hours ' +
        '(`Idempotent-Replayed: true`); with a different request: 422; while the first request ' +
        'is still running: 409 with Retry-After. Scoped to the caller and the route.',
      schema: {
        type: 'string',
        minLength: 1,
        maxLength: MAX_IDEMPOTENCY_KEY_LENGTH,
        pattern: '^[\\x21-\\x7E]+$',
      },
    }),
    ApiProblems(400, 409, 422),
  );
}

/** OpenAPI headers of a success response that may be a replay. */
export const IDEMPOTENT_RESPONSE_HEADERS = {
  'Idempotent-Replayed': {
    description: '`true` when this is the stored response of an earlier request with the same key',
    schema: { type: 'string', enum: ['true'] },
  },
};
