import { createRequire } from 'node:module';
import { pino, type DestinationStream, type Logger } from 'pino';
import type { AppConfig } from '../config/index.js';
import { currentRequestId } from './request-context.js';

/** Never logged, wherever they appear: credentials, tokens, cookies, personal secrets. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'req.headers["stripe-signature"]',
  // The admin console's synchronizer token (src/ops/console).
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.currentPassword',
  '*.newPassword',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
  '*.clientSecret',
  '*.secret',
];

export function createLogger(config: Pick<AppConfig, 'log' | 'app'>): Logger {
  return pino(
    {
      level: config.log.level,
      base: { role: config.app.role },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      mixin: () => {
        const requestId = currentRequestId();
        return requestId ? { requestId } : {};
      },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination(config.app.env),
  );
}

function destination(env: AppConfig['app']['env']): DestinationStream | undefined {
  if (env === 'production') return bufferedStdout();
  if (env === 'development' && process.stdout.isTTY) return prettyStdout();
  return undefined; // JSON lines on stdout: pipes, files, tests
}

/**
 * Development on a terminal: one readable line per entry (pino-pretty, a devDependency loaded
 * only here, so the production image never needs it). Synchronous, so lines keep their order
 * with anything else written to the terminal. JSON if it is not installed.
 */
function prettyStdout(): DestinationStream | undefined {
  try {
    const require = createRequire(import.meta.url);
    const pretty = require('pino-pretty') as (options: object) => DestinationStream;
    return pretty({
      sync: true,
      colorize: true,
      translateTime: 'SYS:HH:MM:ss.l',
      // One process runs both roles in development; the Nest context reads better in front.
      ignore: 'pid,hostname,role,context',
      messageFormat: '{if context}[{context}] {end}{msg}',
    });
  } catch (error) {
    if ((error as { code?: unknown }).code === 'MODULE_NOT_FOUND') return undefined;
    throw error;
  }
}

/**
 * Production: stdout written in 4 KiB batches instead of one blocking write(2) per line (about
 * 4 % of a small request's CPU under load, see bench/README.md), and a full stdout pipe no longer
 * stalls the event loop. pino flushes the buffer synchronously on exit (also after
 * process.exit and uncaught errors); only a SIGKILL can lose the last lines.
 */
function bufferedStdout() {
  return pino.destination({ dest: 1, sync: false, minLength: 4096 });
}
