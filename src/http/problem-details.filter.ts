import { ArgumentsHost, Catch, HttpException, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { unavailableDependency } from '../common/dependency-errors.js';
import { DomainError, type DomainErrorKind } from '../common/errors/domain-error.js';
import { currentRequestId } from '../logging/request-context.js';
import { ErrorLog } from './error-log.js';
import { JsonShapeError } from './input-limits.js';
import { PROBLEM_CONTENT_TYPE, problemType, statusTitle, type Problem } from './problem-details.js';
import { ProblemException } from './problem.exception.js';

/** What body-parser and friends throw: http-errors with a status and a machine-readable type. */
interface HttpError {
  status?: number;
  statusCode?: number;
  type?: string;
  expose?: boolean;
}

const BODY_ERRORS: Record<string, { slug: string; detail: string }> = {
  'entity.parse.failed': { slug: 'malformed-body', detail: 'The request body is not valid JSON.' },
  'entity.too.large': {
    slug: 'body-too-large',
    detail: 'The request body is larger than allowed.',
  },
  'encoding.unsupported': {
    slug: 'unsupported-encoding',
    detail: 'The content encoding is not supported.',
  },
  'charset.unsupported': { slug: 'unsupported-charset', detail: 'The charset is not supported.' },
  'request.aborted': { slug: 'request-aborted', detail: 'The request was aborted.' },
  // From input-limits.ts (scanJsonShape), via body-parser's verify hook.
  'entity.too.complex': {
    slug: 'input-too-complex',
    detail:
      'The JSON body is nested more than 32 levels deep or too large in one part: more than 1000 items in an array, 1000 object members or 10000 values in all.',
  },
};

/** Seconds a client is asked to wait when PostgreSQL or Redis is unavailable. */
export const DEPENDENCY_RETRY_AFTER_SECONDS = 5;

/**
 * Every error leaves as RFC 9457 problem details: an unavailable dependency as a 503 to retry,
 * anything unknown as a generic 500. Each is logged once, at the level it deserves.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  constructor(private readonly errors: ErrorLog) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    const problem = toProblem(exception);
    problem.instance = req.originalUrl?.split('?')[0];
    problem.requestId = currentRequestId() ?? (req as { id?: string }).id;
    this.errors.log(exception, problem);
    if (res.headersSent) {
      res.end();
      return;
    }
    for (const [name, value] of Object.entries(problemHeaders(exception, problem)))
      res.setHeader(name, value);
    res.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
  }
}

/** Headers the problem asks for: its own (Retry-After of a 429), or Retry-After of an outage. */
export function problemHeaders(exception: unknown, problem: Problem): Record<string, string> {
  if (exception instanceof ProblemException) return exception.problem.headers ?? {};
  if (exception instanceof DomainError) {
    const wait = exception.retryAfterSeconds;
    return wait === undefined ? {} : { 'Retry-After': String(wait) };
  }
  if (problem.type === problemType('dependency-unavailable')) {
    return { 'Retry-After': String(DEPENDENCY_RETRY_AFTER_SECONDS) };
  }
  return {};
}

/** The one place a domain error kind becomes an HTTP status. */
export const KIND_STATUS: Record<DomainErrorKind, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  gone: 410,
  'precondition-failed': 412,
  'too-large': 413,
  unprocessable: 422,
  'rate-limited': 429,
  unavailable: 503,
};

export function toProblem(exception: unknown): Problem {
  if (exception instanceof DomainError) return fromDomainError(exception);
  if (exception instanceof ProblemException) {
    const { status, detail, title, errors, extensions } = exception.problem;
    return {
      type: exception.type,
      title: title ?? statusTitle(status),
      status,
      detail: detail ?? title ?? statusTitle(status),
      ...(errors ? { errors } : {}),
      ...extensions,
    };
  }
  // Nest maps body-parser's errors to HttpExceptions and keeps the original as `cause`.
  const cause = exception instanceof HttpException ? exception.cause : exception;
  const bodyError = fromBodyParserError(cause);
  if (bodyError) return bodyError;
  if (exception instanceof HttpException) return fromHttpException(exception);
  if (unavailableDependency(exception)) {
    return {
      type: problemType('dependency-unavailable'),
      title: statusTitle(503),
      status: 503,
      detail: `The service is temporarily unavailable. Retry in ${DEPENDENCY_RETRY_AFTER_SECONDS} seconds.`,
      retryAfter: DEPENDENCY_RETRY_AFTER_SECONDS,
    };
  }
  return {
    type: problemType('internal-error'),
    title: statusTitle(500),
    status: 500,
    detail: 'An unexpected error occurred. Quote the request id when reporting it.',
  };
}

function fromDomainError(error: DomainError): Problem {
  const status = KIND_STATUS[error.kind];
  return {
    type: problemType(error.code),
    title: statusTitle(status),
    status,
    detail: error.message,
    ...(error.fields ? { errors: error.fields } : {}),
    ...error.extensions,
  };
}

function fromBodyParserError(error: unknown): Problem | null {
  const httpError = error as HttpError | null;
  const status = httpError?.status ?? httpError?.statusCode;
  if (typeof status !== 'number' || status < 400 || status >= 500) return null;
  // A SyntaxError from JSON.parse has no `type`; its message would echo parser internals.
  const known =
    BODY_ERRORS[httpError?.type ?? (error instanceof SyntaxError ? 'entity.parse.failed' : '')];
  return {
    type: problemType(known?.slug ?? 'bad-request'),
    title: statusTitle(status),
    status,
    detail:
      (error instanceof JsonShapeError ? error.detail : undefined) ??
      known?.detail ??
      statusTitle(status),
  };
}

function fromHttpException(exception: HttpException): Problem {
  const status = exception.getStatus();
  const body = exception.getResponse();
  const message = typeof body === 'string' ? body : (body as { message?: unknown }).message;
  const detail = Array.isArray(message)
    ? message.join('; ')
    : typeof message === 'string'
      ? message
      : undefined;
  return {
    type: status >= 500 ? problemType('internal-error') : 'about:blank',
    title: statusTitle(status),
    status,
    // A 5xx HttpException's message may come from a library: keep it out of the response.
    detail:
      status >= 500
        ? 'The service could not complete the request.'
        : (detail ?? statusTitle(status)),
  };
}
