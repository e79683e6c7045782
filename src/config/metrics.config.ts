import { z } from 'zod';
import { ConfigError } from './config.error.js';
import { int, type EnvOf } from './env.helpers.js';

/**
 * Who may read `/metrics`. Metrics name routes, queue depths and process internals: they are for
 * the scraper, never for the internet.
 */
export const metricsEnv = {
  /** api: serve /metrics on this port only (the public port then answers 404 there). */
  METRICS_PORT: int(1, 65535).optional(),
  /** api and worker: /metrics answers only with `Authorization: Bearer <METRICS_TOKEN>`. */
  METRICS_TOKEN: z.string().min(16, 'at least 16 characters').max(512).optional(),
};

type MetricsEnv = EnvOf<typeof metricsEnv> & { PORT: number; WORKER_HEALTH_PORT?: number };

export function metricsConfig(env: MetricsEnv, production: boolean) {
  const taken = [env.PORT, env.WORKER_HEALTH_PORT];
  if (env.METRICS_PORT !== undefined && taken.includes(env.METRICS_PORT)) {
    throw new ConfigError(['METRICS_PORT: must differ from PORT and WORKER_HEALTH_PORT']);
  }
  const port = env.METRICS_PORT ?? null;
  const token = env.METRICS_TOKEN ?? null;
  return {
    port,
    token,
    /**
     * Whether the api's public port serves /metrics: not when it has its own port, and in
     * production not without a token either (nothing would protect it).
     */
    onApiPort: port === null && (token !== null || !production),
  };
}
export type MetricsConfig = ReturnType<typeof metricsConfig>;
