/**
 * Experiment (BENCH_PATCH=bench/experiments/platform-before.mjs): puts the HTTP platform of the
 * run's private dist/ copy back to what it was before the benchmark work, for a same-run A/B:
 * pino-http request logging (child logger + serializers per request, redaction on every line),
 * helmet()'s middleware chain per request, and synchronous stdout writes.
 */
import { join } from 'node:path';
import { patch } from './patch.mjs';

export function apply(dist) {
  const app = join(dist, 'src/bootstrap/http-app.js');
  patch(
    app,
    `import { requestLogging } from '../logging/request-logging.js';`,
    `import { randomUUID } from 'node:crypto';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import { requestContext } from '../logging/request-context.js';
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
function requestLogging(logger, options) {
  const http = pinoHttp({
    logger,
    autoLogging: options.autoLogging,
    quietReqLogger: true,
    genReqId: (req, res) => {
      const given = req.headers['x-request-id'];
      const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
      res.setHeader('X-Request-Id', id);
      return id;
    },
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : 'info'),
    serializers: {
      req: (req) => ({ method: req.method, url: req.url }),
      res: (res) => ({ statusCode: res.statusCode }),
    },
    customErrorMessage: (_req, res) => \`request failed with status \${res.statusCode}\`,
  });
  return (req, res, next) => {
    http(req, res);
    requestContext.run({ requestId: String(req.id) }, next);
  };
}`,
  );
  patch(app, `app.use(securityHeaders());`, `app.use(helmet());`);
  patch(
    join(dist, 'src/logging/logger.js'),
    `config.app.env === 'production' ? bufferedStdout() : undefined`,
    `undefined`,
  );
}
