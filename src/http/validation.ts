import { ValidationPipe, type ValidationError } from '@nestjs/common';
import type { FieldError } from './problem-details.js';
import { ProblemException } from './problem.exception.js';

/** Flattens class-validator's tree into `field` (dotted path) + `message` pairs. */
export function fieldErrors(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...fieldErrors(error.children ?? [], field)];
  });
}

export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) =>
      new ProblemException({
        status: 400,
        slug: 'validation-failed',
        detail: 'The request is invalid; see errors.',
        errors: fieldErrors(errors),
      }),
  });
}
