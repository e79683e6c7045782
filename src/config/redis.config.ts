import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError } from './config.error.js';
import { int, list, type EnvOf } from './env.helpers.js';

/** Variables of managed Redis: TLS trust, Sentinel, replication acknowledgements. */
export const redisEnv = {
  /** The CA that signed Redis's certificate (`rediss://`), as PEM text (`\n` escapes allowed). */
  REDIS_TLS_CA: z.string().min(1).optional(),
  /** The same, as a file path. */
  REDIS_TLS_CA_FILE: z.string().min(1).optional(),
  /**
   * Sentinels, comma-separated `host:port`: the app asks them for the primary of
   * REDIS_SENTINEL_NAME and follows failovers. REDIS_URL then gives only the scheme, user,
   * password and database of the data nodes (its host is not used).
   */
  REDIS_SENTINELS: list.optional(),
  REDIS_SENTINEL_NAME: z.string().min(1).max(200).default('mymaster'),
  REDIS_SENTINEL_USERNAME: z.string().min(1).optional(),
  REDIS_SENTINEL_PASSWORD: z.string().min(1).optional(),
  /**
   * The outbox relay marks events relayed only after this many replicas acknowledged the jobs
   * (Redis WAIT): a failover to such a replica loses none. 0: no wait (asynchronous replication).
   */
  REDIS_WAIT_REPLICAS: int(0, 10).default(0),
  REDIS_WAIT_TIMEOUT_MS: int(10, 60_000).default(1_000),
};

type RedisEnv = EnvOf<typeof redisEnv>;

export interface RedisSentinelConfig {
  sentinels: Array<{ host: string; port: number }>;
  name: string;
  username: string | null;
  password: string | null;
}

export function redisConfig(env: RedisEnv) {
  const problems: string[] = [];
  if (env.REDIS_TLS_CA && env.REDIS_TLS_CA_FILE) {
    problems.push('REDIS_TLS_CA / REDIS_TLS_CA_FILE: set one, not both');
  }
  let tlsCa = env.REDIS_TLS_CA?.replace(/\\n/g, '\n') ?? null;
  if (env.REDIS_TLS_CA_FILE) {
    try {
      tlsCa = readFileSync(env.REDIS_TLS_CA_FILE, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      problems.push(`REDIS_TLS_CA_FILE: cannot read ${env.REDIS_TLS_CA_FILE} (${code})`);
    }
  }
  const sentinels = (env.REDIS_SENTINELS ?? []).map((entry) => {
    const match = /^(.+):(\d{1,5})$/.exec(entry);
    if (!match) problems.push(`REDIS_SENTINELS: "${entry}" is not host:port`);
    return { host: match?.[1] ?? '', port: Number(match?.[2] ?? 0) };
  });
  if (problems.length > 0) throw new ConfigError(problems);
  const sentinel: RedisSentinelConfig | null =
    sentinels.length > 0
      ? {
          sentinels,
          name: env.REDIS_SENTINEL_NAME,
          username: env.REDIS_SENTINEL_USERNAME ?? null,
          password: env.REDIS_SENTINEL_PASSWORD ?? null,
        }
      : null;
  return {
    tlsCa,
    sentinel,
    waitReplicas: env.REDIS_WAIT_REPLICAS,
    waitTimeoutMs: env.REDIS_WAIT_TIMEOUT_MS,
  };
}
export type RedisConfig = ReturnType<typeof redisConfig>;
