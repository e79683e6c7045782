import type { RedisOptions } from 'ioredis';
import type { AppConfig } from '../config/index.js';

/**
 * ioredis options for every connection the app makes (its own client, its subscribers, Bull's
 * three per queue): host, user and password from REDIS_URL (`rediss://` for TLS, verified against
 * REDIS_TLS_CA or the system's CAs), or the primary Sentinel names (REDIS_SENTINELS).
 */
export function redisConnection(config: AppConfig): RedisOptions {
  if (!config.redis.url) throw new Error('redis.url is not resolved');
  const url = new URL(config.redis.url);
  const tls =
    url.protocol === 'rediss:' ? (config.redis.tlsCa ? { ca: config.redis.tlsCa } : {}) : undefined;
  const db = Number(url.pathname.slice(1) || 0);
  const auth = {
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    db: Number.isInteger(db) ? db : 0,
  };
  const sentinel = config.redis.sentinel;
  if (!sentinel) {
    return { host: url.hostname, port: Number(url.port || 6379), ...auth, ...(tls ? { tls } : {}) };
  }
  return {
    ...auth,
    sentinels: sentinel.sentinels,
    name: sentinel.name,
    ...(sentinel.username ? { sentinelUsername: sentinel.username } : {}),
    ...(sentinel.password ? { sentinelPassword: sentinel.password } : {}),
    // TLS to the data nodes (at the addresses Sentinel announces); the sentinels themselves are
    // reached in plain TCP.
    ...(tls ? { tls, enableTLSForSentinelMode: true } : {}),
  };
}
