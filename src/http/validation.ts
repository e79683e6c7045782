import {
  ValidationPipe,
  type ArgumentMetadata,
  type ValidationError,
  type ValidationPipeOptions,
} from '@nestjs/common';
import type { FieldError } from './problem-details.js';
import { ProblemException } from './problem.exception.js';

/**
 * Flattens class-validator's tree into `field` (dotted path) + `message` pairs. A missing field
 * fails every rule it has ("must be a string", "should not be empty", ...): one message says it.
 */
export function fieldErrors(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const messages = Object.values(error.constraints ?? {});
    const own = (
      error.value === undefined && messages.length > 0 ? [`${field} is required`] : messages
    ).map((message) => ({ field, message }));
    return [...own, ...fieldErrors(error.children ?? [], field)];
  });
}

export function createValidationPipe(): ValidationPipe {
  return new DocumentedNullsValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    // The value only tells fieldErrors a field is missing; it never reaches the response.
    validationError: { target: false, value: true },
    exceptionFactory: (errors) => invalid(fieldErrors(errors)),
  });
}

function invalid(errors: FieldError[]): ProblemException {
  return new ProblemException({
    status: 400,
    slug: 'validation-failed',
    detail: 'The request is invalid; see errors.',
    errors,
  });
}

/**
 * class-validator's `@IsOptional()` lets `null` through as well as `undefined`, so a null in an
 * optional field reached the services (a 500, or a silently accepted write). Here the OpenAPI
 * metadata decides, for every DTO at once: `null` is accepted only where `@ApiProperty` declares
 * the field `nullable`, and is a 400 everywhere else, before class-transformer runs.
 */
export class DocumentedNullsValidationPipe extends ValidationPipe {
  constructor(options: ValidationPipeOptions) {
    super(options);
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' || metadata.type === 'query') {
      const errors = undeclaredNulls(value, metadata.metatype);
      if (errors.length > 0) throw invalid(errors);
    }
    return super.transform(value, metadata);
  }
}

/**
 * Where `@ApiProperty` keeps its options (@nestjs/swagger's DECORATORS, which its package exports
 * do not expose; validation.spec.ts fails if they move).
 */
const SWAGGER_PROPERTY = 'swagger/apiModelProperties';
const SWAGGER_PROPERTY_LIST = 'swagger/apiModelPropertiesArray';

interface PropertyDoc {
  type?: unknown;
  nullable?: boolean;
  isArray?: boolean;
}

/** A DTO class documented with `@ApiProperty`, or null (primitives, free-form objects). */
function documentedClass(type: unknown): (abstract new () => unknown) | null {
  if (typeof type !== 'function') return null;
  // `type: () => Dto` (lazy, for cycles) has no prototype; a class has.
  const resolved: unknown = type.prototype ? type : (type as () => unknown)();
  if (typeof resolved !== 'function' || !resolved.prototype) return null;
  const properties: unknown = Reflect.getMetadata(
    SWAGGER_PROPERTY_LIST,
    resolved.prototype as object,
  );
  return Array.isArray(properties) ? (resolved as abstract new () => unknown) : null;
}

/**
 * Dotted paths of every `null` the DTO's document does not allow, nested DTOs included. An
 * iterative walk; depth and size are already bounded by the input-limits middleware.
 */
export function undeclaredNulls(value: unknown, metatype: unknown): FieldError[] {
  const errors: FieldError[] = [];
  const stack: Array<{ value: unknown; dto: unknown; path: string }> = [
    { value, dto: metatype, path: '' },
  ];
  while (stack.length > 0) {
    const { value: current, dto, path } = stack.pop() as (typeof stack)[number];
    const cls = documentedClass(dto);
    if (!cls || typeof current !== 'object' || current === null || Array.isArray(current)) continue;
    for (const [key, child] of Object.entries(current)) {
      const doc = Reflect.getMetadata(SWAGGER_PROPERTY, cls.prototype, key) as
        PropertyDoc | undefined;
      // Unknown fields are the whitelist's business.
      if (!doc) continue;
      const field = path ? `${path}.${key}` : key;
      if (child === null) {
        if (!doc.nullable) errors.push({ field, message: `${field} must not be null` });
        continue;
      }
      if (!Array.isArray(child)) {
        stack.push({ value: child, dto: doc.type, path: field });
        continue;
      }
      if (!doc.isArray) continue;
      child.forEach((item, i) => {
        if (item === null)
          errors.push({ field: `${field}[${i}]`, message: `${field}[${i}] must not be null` });
        else stack.push({ value: item, dto: doc.type, path: `${field}[${i}]` });
      });
    }
  }
  return errors.sort((a, b) => a.field.localeCompare(b.field));
}
