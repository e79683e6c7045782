import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';
import { METRICS_CHALLENGE, METRICS_CONTENT_TYPE, metricsAuthorized } from './metrics-access.js';

/**
 * GET /metrics for a bare node:http server (the api's METRICS_PORT, the worker's health port):
 * the registry's text, behind METRICS_TOKEN when one is set. Answers false for any other path.
 */
export function serveMetrics(
  registry: Registry,
  token: string | null,
  req: IncomingMessage,
  res: ServerResponse,
): boolean {
  if (new URL(req.url ?? '/', 'http://local').pathname !== '/metrics') return false;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD' }).end();
    return true;
  }
  if (!metricsAuthorized(token, req.headers.authorization)) {
    res.writeHead(401, { 'WWW-Authenticate': METRICS_CHALLENGE }).end();
    return true;
  }
  registry.metrics().then(
    (text) => res.writeHead(200, { 'Content-Type': METRICS_CONTENT_TYPE }).end(text),
    () => res.writeHead(500).end(),
  );
  return true;
}
