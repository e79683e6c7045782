import {
  document,
  templateOf,
  validatorFor,
  type JsonObject,
  type OperationObject,
  type ResponseObject,
} from './document.js';
import { contractPathOf, outOfContract } from './out-of-contract.js';

export interface SeenResponse {
  method: string;
  url: string;
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The raw body text; undefined when the body is not text (a stream, a buffer). */
  text?: string;
  /** Streams (SSE) are checked for status and headers only. */
  streamed?: boolean;
}

const PROBLEM = { $ref: '#/components/schemas/ProblemDetails' };

/** Every way `res` departs from the document; empty when it conforms. */
export function contractViolations(res: SeenResponse): string[] {
  const pathname = contractPathOf(new URL(res.url, 'http://localhost').pathname);
  if (outOfContract(pathname)) return [];
  const template = templateOf(pathname);
  const operation = template ? document.paths[template][res.method.toLowerCase()] : undefined;
  if (!operation) {
    // An unknown route or method answers 404, or a 4xx from the body parser that runs before
    // routing (400 malformed, 413 too large): the generic problem every URL may give.
    if (res.status >= 400 && res.status < 500) return checkProblemOnly(res);
    return [`no operation ${res.method} ${template ?? pathname} in the document`];
  }
  const declared = responseOf(operation, res.status);
  if (!declared) return [`status ${res.status} is not documented`];
  // A redirect's body is a courtesy text for humans: its status and headers are the contract.
  if (res.status >= 300 && res.status < 400) return checkHeaders(declared, res);
  return [...checkHeaders(declared, res), ...checkBody(declared, res, `${template}:${res.method}`)];
}

/** Errors may fall to `default` (the problem response every operation has); successes may not. */
function responseOf(op: OperationObject, status: number): ResponseObject | undefined {
  return op.responses[String(status)] ?? (status >= 400 ? op.responses.default : undefined);
}

function header(res: SeenResponse, name: string): string | undefined {
  const value = res.headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(', ') : value;
}

function checkHeaders(declared: ResponseObject, res: SeenResponse): string[] {
  const errors: string[] = [];
  for (const [name, spec] of Object.entries(declared.headers ?? {})) {
    const value = header(res, name);
    if (value === undefined) {
      if (spec.required) errors.push(`header ${name} is required but missing`);
      continue;
    }
    if (!spec.schema) continue;
    const typed = spec.schema.type === 'integer' ? Number(value) : value;
    const validate = validatorFor(`header:${JSON.stringify(spec.schema)}`, spec.schema);
    if (!validate(typed))
      errors.push(`header ${name}: ${JSON.stringify(value)} ${describe(validate.errors)}`);
  }
  return errors;
}

function checkBody(declared: ResponseObject, res: SeenResponse, key: string): string[] {
  const contentType = (header(res, 'content-type') ?? '').split(';')[0].trim();
  const content = declared.content ?? {};
  if (Object.keys(content).length === 0) {
    return res.text ? [`a body (${contentType}) where the document declares none`] : [];
  }
  const media = content[contentType];
  if (!media) {
    return [
      `Content-Type ${JSON.stringify(contentType)} is not one of ${Object.keys(content).join(', ')}`,
    ];
  }
  if (res.streamed || !media.schema || !contentType.endsWith('json')) return [];
  let body: unknown;
  try {
    body = JSON.parse(res.text ?? '');
  } catch {
    return ['the body is not JSON'];
  }
  const validate = validatorFor(`${key}:${res.status}:${contentType}`, media.schema);
  return validate(body) ? [] : [`body ${describe(validate.errors)}`];
}

function checkProblemOnly(res: SeenResponse): string[] {
  const problem: ResponseObject = {
    content: { 'application/problem+json': { schema: PROBLEM as JsonObject } },
  };
  return checkBody(problem, res, 'problem');
}

function describe(errors: ValidateErrors): string {
  return (errors ?? [])
    .map((e) => `${e.instancePath || '/'} ${e.message}${paramsOf(e.params)}`)
    .join('; ');
}

type ValidateErrors = ReturnType<typeof validatorFor>['errors'];

function paramsOf(params: Record<string, unknown>): string {
  const name = params.unevaluatedProperty ?? params.additionalProperty;
  return name === undefined ? '' : ` (${String(name)})`;
}

/** An event read from a documented text/event-stream: its data against `x-sse-events`. */
export function sseEventViolations(url: string, event: string, data: string): string[] {
  const template = templateOf(new URL(url, 'http://localhost').pathname);
  const media = template
    ? document.paths[template].get?.responses['200']?.content?.['text/event-stream']
    : undefined;
  const events = (media as { 'x-sse-events'?: Record<string, JsonObject> } | undefined)?.[
    'x-sse-events'
  ];
  const schema = events?.[event];
  if (!schema) return [`event ${JSON.stringify(event)} is not in x-sse-events`];
  let body: unknown;
  try {
    body = JSON.parse(data);
  } catch {
    return [`event ${event}: the data is not JSON`];
  }
  const validate = validatorFor(`sse:${template}:${event}`, schema);
  return validate(body) ? [] : [`event ${event}: data ${describe(validate.errors)}`];
}
