import { Param, ParseUUIDPipe } from '@nestjs/common';
import { ProblemException } from './problem.exception.js';

/**
 * A path parameter that must be a UUID (every id is one): anything else is a 400
 * `validation-failed` naming the parameter, before a handler or a query sees it.
 */
export const UuidParam = (name = 'id'): ParameterDecorator =>
  Param(
    name,
    new ParseUUIDPipe({
      version: '4',
      exceptionFactory: () =>
        new ProblemException({
          status: 400,
          slug: 'validation-failed',
          detail: 'The request is invalid; see errors.',
          errors: [{ field: name, message: `${name} must be a UUID` }],
        }),
    }),
  );
