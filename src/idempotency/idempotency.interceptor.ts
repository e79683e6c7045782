import { HTTP_CODE_METADATA } from '@nestjs/common/constants.js';
import {
  Injectable,
  Logger,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { catchError, defer, mergeMap, of, type Observable } from 'rxjs';
import type { AuthPrincipal } from '../common/auth/auth-principal.js';
import { ProblemException } from '../http/problem.exception.js';
import { IDEMPOTENT_OPTIONS, type IdempotentOptions } from './idempotency.constants.js';
import {
  IdempotencyStore,
  requestFingerprint,
  type IdempotencyScope,
} from './idempotency.store.js';

export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';
export const REPLAYED_HEADER = 'Idempotent-Replayed';
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;
/** Visible ASCII only: a key travels in a header and is compared byte for byte. */
const KEY_PATTERN = /^[\x21-\x7e]+$/;

/**
 * Why PostgreSQL and not Redis: the record stands for a money movement. Redis here may run
 * without persistence, evict keys under memory pressure, or lose the last writes on a failover
 * (replication is asynchronous); any of those would turn a client's retry into a second payment.
 * In PostgreSQL the claim is durable, unique by constraint, and a day of keys is a small table
 * (purged by `IdempotencyStore.purgeExpired`, run by the payments reconciliation job).
 *
 * Idempotency-Key for any unsafe route (apply with `@Idempotent()`): scoped to the caller and the
 * route, fingerprinted over the request, the first successful response kept for 24 h.
 * - same key, same request: the stored response again, with `Idempotent-Replayed: true`;
 * - same key, other request: 422;
 * - same key while the first is still running: 409 with Retry-After.
 * Failed requests (4xx/5xx) are not stored: the key is released so that a retry runs again.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly logger = new Logger(IdempotencyInterceptor.name);

  constructor(
    private readonly store: IdempotencyStore,
    private readonly reflector: Reflector,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const options = this.reflector.get<IdempotentOptions | undefined>(
      IDEMPOTENT_OPTIONS,
      context.getHandler(),
    ) ?? { required: true };
    const req = context.switchToHttp().getRequest<Request & { user?: AuthPrincipal }>();
    const res = context.switchToHttp().getResponse<Response>();
    const key = readKey(req, options.required);
    if (key === null) return next.handle();

    const path = (req.originalUrl ?? req.url).split('?')[0].slice(0, 500);
    const scope: IdempotencyScope = {
      scope: req.user?.userId ?? 'anonymous',
      method: req.method.toUpperCase(),
      path,
      key,
    };
    const fingerprint = requestFingerprint({
      method: req.method,
      path,
      query: req.query,
      body: req.body as unknown,
    });

    return defer(async () => {
      const claim = await this.store.claim(scope, fingerprint);
      switch (claim.kind) {
        case 'mismatch':
          throw new ProblemException({
            status: 422,
            slug: 'idempotency-key-reused',
            detail: 'This Idempotency-Key was already used with a different request.',
          });
        case 'in_flight':
          throw new ProblemException({
            status: 409,
            slug: 'idempotency-key-in-flight',
            detail: 'A request with this Idempotency-Key is still being processed; retry later.',
            headers: { 'Retry-After': String(claim.retryAfterSeconds) },
          });
        case 'replay':
          res.setHeader(REPLAYED_HEADER, 'true');
          return of(claim.body);
        case 'claimed':
          return next.handle().pipe(
            mergeMap(async (body: unknown) => {
              await this.store.complete(
                scope,
                claim.token,
                successStatus(this.reflector, context, req.method),
                body,
              );
              return body;
            }),
            catchError(async (error: unknown) => {
              await this.store.release(scope, claim.token).catch((releaseError: unknown) => {
                this.logger.warn({ err: releaseError }, 'could not release an idempotency key');
              });
              throw error;
            }),
          );
      }
    }).pipe(mergeMap((result) => result));
  }
}

function readKey(req: Request, required: boolean): string | null {
  const value = req.headers[IDEMPOTENCY_KEY_HEADER];
  if (value === undefined || value === '') {
    if (!required) return null;
    throw new ProblemException({
      status: 400,
      slug: 'idempotency-key-required',
      detail: 'This request needs an Idempotency-Key header (a unique value per operation).',
      errors: [{ field: 'Idempotency-Key', message: 'required' }],
    });
  }
  if (
    Array.isArray(value) ||
    value.length > MAX_IDEMPOTENCY_KEY_LENGTH ||
    !KEY_PATTERN.test(value)
  ) {
    throw new ProblemException({
      status: 400,
      slug: 'invalid-idempotency-key',
      detail: `The Idempotency-Key must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} visible ASCII characters.`,
      errors: [{ field: 'Idempotency-Key', message: 'invalid' }],
    });
  }
  return value;
}

/** The route's success status (`@HttpCode`, else Nest's default), which Nest applies later. */
function successStatus(reflector: Reflector, context: ExecutionContext, method: string): number {
  const declared = reflector.get<number | undefined>(HTTP_CODE_METADATA, context.getHandler());
  return declared ?? (method.toUpperCase() === 'POST' ? 201 : 200);
}
