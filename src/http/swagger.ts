import type { INestApplication } from '@nestjs/common';
import {
  DocumentBuilder,
  SwaggerModule,
  type HeaderObject,
  type OpenAPIObject,
} from '@nestjs/swagger';
import { PUBLIC_EXTENSION } from '../common/auth/public.decorator.js';
import { OPERATION_IDS } from './operation-ids.js';
import { FieldError, PROBLEM_CONTENT_TYPE, ProblemDetails } from './problem-details.js';

const PROBLEM_REF = { $ref: '#/components/schemas/ProblemDetails' };

export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('App backend API')
    .setDescription(
      'REST API for the mobile and web apps. Errors are RFC 9457 problem details ' +
        '(application/problem+json). Authenticate with `Authorization: Bearer <access token>`.',
    )
    .setVersion('1.0')
    // 3.1: `nullable` beside an allOf $ref cannot allow null under 3.0 (it needs a sibling
    // `type`); 3.1 writes every nullable field as JSON Schema (`type: [t, 'null']`, anyOf null).
    .setOpenAPIVersion('3.1.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, 'bearer')
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    extraModels: [ProblemDetails, FieldError],
  });
  const built = withOperationIds(withUuidIds(withSecurity(withProblemResponses(document))));
  return withPlainRefs(built);
}

/**
 * Retry-After: always on a 429 (with `retryAfter` in the body); on a 409 when the conflict is
 * a concurrent request still running (idempotency key, refresh rotation), on a 503 when a
 * dependency is down.
 */
const RETRY_AFTER: Record<string, HeaderObject> = Object.fromEntries(
  ['409', '429', '503'].map((status) => [
    status,
    {
      required: status === '429',
      description: 'Seconds to wait before retrying',
      schema: { type: 'integer', minimum: 1 },
    },
  ]),
);

type Operation = NonNullable<OpenAPIObject['paths'][string]['get']>;
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

/**
 * @nestjs/swagger wraps a named schema in a one-element `allOf` so that a description can sit
 * beside it (OpenAPI 3.0 ignores siblings of `$ref`); 3.1 does not, so the wrapper goes.
 */
export function withPlainRefs<T>(node: T): T {
  if (Array.isArray(node)) return node.map(withPlainRefs) as T;
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    out[key] = key === 'example' || key === 'default' ? value : withPlainRefs(value);
  }
  const allOf = out.allOf as Array<Record<string, unknown>> | undefined;
  if (allOf?.length === 1 && Object.keys(allOf[0]).length === 1 && allOf[0].$ref) {
    delete out.allOf;
    // `type: object` beside a $ref is noise the generator adds for nested DTOs.
    if (out.type === 'object') delete out.type;
    out.$ref = allOf[0].$ref;
  }
  return out as T;
}

/** Every `{id}` in a path is a UUID (design.md): the routes refuse anything else with a 400. */
export function withUuidIds(document: OpenAPIObject): OpenAPIObject {
  for (const operation of operations(document)) {
    for (const parameter of operation.parameters ?? []) {
      if ('in' in parameter && parameter.in === 'path' && parameter.name === 'id') {
        parameter.schema = { ...parameter.schema, type: 'string', format: 'uuid' };
      }
    }
  }
  return document;
}

/** The pinned operationIds (operation-ids.ts): an operation without one stops the build. */
export function withOperationIds(document: OpenAPIObject): OpenAPIObject {
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      const key = `${method.toUpperCase()} ${path}`;
      const id = OPERATION_IDS[key];
      if (!id) throw new Error(`No operationId for ${key}: add one to src/http/operation-ids.ts`);
      operation.operationId = id;
    }
  }
  return document;
}

function operations(document: OpenAPIObject): Operation[] {
  return Object.values(document.paths).flatMap((item) =>
    METHODS.map((method) => item[method]).filter((op): op is Operation => op !== undefined),
  );
}

/**
 * The same decision as the global guard: a route marked @Public() needs nothing, every other
 * route needs the bearer token.
 */
export function withSecurity(document: OpenAPIObject): OpenAPIObject {
  for (const operation of operations(document)) {
    const extensions = operation as unknown as Record<string, unknown>;
    const isPublic = extensions[PUBLIC_EXTENSION] === true;
    delete extensions[PUBLIC_EXTENSION];
    operation.security = isPublic ? [] : [{ bearer: [] }];
  }
  return document;
}

/**
 * Every error response, declared or not, is a problem+json document: declared 4xx/5xx responses
 * get the schema, and every operation gets a `default` error response.
 */
export function withProblemResponses(document: OpenAPIObject): OpenAPIObject {
  for (const operation of operations(document)) {
    for (const [status, response] of Object.entries(operation.responses)) {
      if (Number(status) >= 400 && response && 'description' in response && !response.content) {
        response.content = { [PROBLEM_CONTENT_TYPE]: { schema: PROBLEM_REF } };
        const retryAfter = RETRY_AFTER[status];
        if (retryAfter) response.headers = { ...response.headers, 'Retry-After': retryAfter };
      }
    }
    operation.responses.default ??= {
      description: 'Error (RFC 9457 problem details)',
      content: { [PROBLEM_CONTENT_TYPE]: { schema: PROBLEM_REF } },
    };
  }
  return document;
}

export function setupSwagger(app: INestApplication): void {
  const document = buildOpenApiDocument(app);
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'docs-json',
    yamlDocumentUrl: 'docs-yaml',
    useGlobalPrefix: false,
  });
}
