import { pino, type Logger } from 'pino';
import type { AppConfig } from '../config/index.js';
import { currentRequestId } from './request-context.js';

/** Never logged, wherever they appear: credentials, tokens, cookies, personal secrets. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'req.headers["stripe-signature"]',
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
  return pino({
    level: config.log.level,
    base: { role: config.app.role },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    mixin: () => {
      const requestId = currentRequestId();
      return requestId ? { requestId } : {};
    },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}
