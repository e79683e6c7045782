import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { requestContext } from './request-context.js';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Query parameters that carry a credential: the stream's single-use `ticket`, mailed link tokens,
 * and the usual OAuth and signature names. Compared case-insensitively, after percent-decoding.
 */
const SECRET_PARAMS = new Set([
  'ticket',
  'token',
  'access_token',
  'accesstoken',
  'refresh_token',
  'refreshtoken',
  'id_token',
  'code',
  'password',
  'secret',
  'client_secret',
  'api_key',
  'apikey',
  'key',
  'signature',
  'sig',
]);

/** The URL as logged: the value of every SECRET_PARAMS parameter replaced by `[redacted]`. */
export function redactUrl(url: string): string {
  const query = url.indexOf('?');
  if (query < 0) return url;
  const parts = url
    .slice(query + 1)
    .split('&')
    .map((part) => {
      const eq = part.indexOf('=');
      const name = eq < 0 ? part : part.slice(0, eq);
      return SECRET_PARAMS.has(decodeName(name)) ? `${name}=[redacted]` : part;
    });
  return `${url.slice(0, query)}?${parts.join('&')}`;
}

function decodeName(name: string): string {
  try {
    return decodeURIComponent(name.replace(/\+/g, ' ')).toLowerCase();
  } catch {
    return name.toLowerCase();
  }
}

/**
 * Accepts a safe X-Request-Id or makes one, echoes it, carries it through the async context,
 * and writes one short line per request when it ends.
 *
 * Hand-written instead of pino-http: that one builds a child logger and two serializer passes per
 * request, which cost about a third of a trivial request's CPU in the benchmarks (bench/README.md).
 * The line keeps pino-http's shape: `req` {method, url}, `res` {statusCode}, `responseTime` (ms),
 * `requestId`; secret query parameters redacted (redactUrl); `request completed` at info whatever
 * the status (the error itself is logged once, at its own level, by the problem filter: an access
 * line at error would log it twice), a response that never finished (the client went away) at
 * warn as `request aborted`.
 */
export function requestLogging(logger: Logger, options: { autoLogging: boolean }) {
  // The access line has fixed fields (id, method, URL, status, time) that no redaction path can
  // match: skipping the redaction pass gives the same bytes for less CPU.
  const access = logger.child({}, { redact: [] });
  return (req: IncomingMessage, res: ServerResponse, next: () => void): void => {
    const given = req.headers['x-request-id'];
    const requestId = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    (req as { id?: string }).id = requestId;
    res.setHeader('X-Request-Id', requestId);
    if (options.autoLogging) {
      const started = Date.now();
      res.once('close', () => logRequest(access, req, res, requestId, started));
    }
    requestContext.run({ requestId }, next);
  };
}

function logRequest(
  logger: Logger,
  req: IncomingMessage,
  res: ServerResponse,
  requestId: string,
  started: number,
): void {
  const line = {
    requestId,
    req: {
      method: req.method,
      url: redactUrl((req as { originalUrl?: string }).originalUrl ?? req.url ?? ''),
    },
    res: { statusCode: res.statusCode },
    responseTime: Date.now() - started,
  };
  if (!res.writableFinished) logger.warn(line, 'request aborted');
  else logger.info(line, 'request completed');
}
