import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { PUBLIC_EXTENSION } from '../common/auth/public.decorator.js';
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
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, 'bearer')
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    extraModels: [ProblemDetails, FieldError],
    operationIdFactory: (controller, method) =>
      `${controller.replace(/Controller$/, '')}_${method}`,
  });
  return withSecurity(withProblemResponses(document));
}

type Operation = NonNullable<OpenAPIObject['paths'][string]['get']>;
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

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
      if (Number(status) >= 400 && response && 'description' in response) {
        response.content = { [PROBLEM_CONTENT_TYPE]: { schema: PROBLEM_REF } };
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
