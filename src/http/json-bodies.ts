import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { ProblemException } from './problem.exception.js';

/** `application/json` and its `+json` relatives, with or without parameters. */
const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json\s*(;|$)/i;
/**
 * Keys naming JavaScript object internals. class-transformer skips them, so the validation
 * pipe's whitelist never sees them and a body carrying one was accepted with the key ignored.
 */
const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
/** OpenID providers posting the authorization response (`response_mode=form_post`) send a form. */
const FORM_POST_CALLBACK = /^\/api\/v1\/auth\/oidc\/[^/]+\/callback$/;
const FORM_MEDIA_TYPE = /^application\/x-www-form-urlencoded\s*(;|$)/i;
/** A code, a state and Apple's `user` JSON fit many times over. */
const FORM_POST_MAX_BYTES = 16 * 1024;
/** The provider's own payload: signed bytes we must not second-guess. */
const WEBHOOKS = '/api/v1/payments/webhooks/';
/** The local storage driver's signed uploads: the file's own bytes, streamed to disk. */
const LOCAL_STORAGE = '/api/v1/storage/local/';

/**
 * Every request body of the API is JSON (as the document declares): another
 * one is a 415 instead of being parsed as a form or ignored, and a JSON body with a reserved key
 * is a 400 like any other unknown field. Runs after the body parsers. The exceptions: the
 * OpenID callback takes the form a provider posts (`response_mode=form_post`), bounded in size,
 * and the local storage driver's signed upload takes the file's bytes.
 */
export function jsonBodiesOnly(): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction) => {
    if (!req.path.startsWith('/api/') || !hasBody(req)) return next();
    if (req.path.startsWith(LOCAL_STORAGE)) return next();
    if (isFormPostCallback(req)) return next(formTooLarge(req) ? tooLarge() : undefined);
    if (!JSON_MEDIA_TYPE.test(req.headers['content-type'] ?? '')) {
      return next(
        new ProblemException({
          status: 415,
          slug: 'unsupported-media-type',
          detail: 'Send the request body as application/json.',
        }),
      );
    }
    const field = req.path.startsWith(WEBHOOKS) ? undefined : reservedKeyIn(req.body);
    if (field === undefined) return next();
    return next(
      new ProblemException({
        status: 400,
        slug: 'validation-failed',
        detail: 'The request is invalid; see errors.',
        errors: [{ field, message: `property ${field} should not exist` }],
      }),
    );
  };
}

function isFormPostCallback(req: Request): boolean {
  return (
    req.method === 'POST' &&
    FORM_POST_CALLBACK.test(req.path) &&
    FORM_MEDIA_TYPE.test(req.headers['content-type'] ?? '')
  );
}

function formTooLarge(req: Request): boolean {
  const length = Number(req.headers['content-length'] ?? Number.NaN);
  return !(length <= FORM_POST_MAX_BYTES);
}

function tooLarge(): ProblemException {
  return new ProblemException({
    status: 413,
    slug: 'body-too-large',
    detail: `The form is larger than ${FORM_POST_MAX_BYTES} bytes.`,
  });
}

function hasBody(req: Request): boolean {
  return (
    req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length']) > 0
  );
}

/** Dotted path of the first reserved key; iterative, so a deeply nested body costs no stack. */
export function reservedKeyIn(body: unknown): string | undefined {
  const pending: Array<[unknown, string]> = [[body, '']];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [value, path] = next;
    if (typeof value !== 'object' || value === null) continue;
    const isArray = Array.isArray(value);
    for (const [key, child] of Object.entries(value)) {
      const here = isArray ? `${path}[${key}]` : path ? `${path}.${key}` : key;
      if (!isArray && RESERVED_KEYS.has(key)) return here;
      pending.push([child, here]);
    }
  }
  return undefined;
}
