import { describe, expect, it } from '@jest/globals';
import { loadConfig } from '../config/index.js';
import { redisConnection } from './redis-connection.js';

const connectionFor = (env: Record<string, string>) =>
  redisConnection(
    loadConfig({ NODE_ENV: 'test', DATABASE_URL: 'postgres://x@127.0.0.1:1/x', ...env }),
  );
const PEM = '-----BEGIN CERTIFICATE-----\\nMIIB\\n-----END CERTIFICATE-----';

describe('redisConnection', () => {
  it('reads host, ACL user, password and database from REDIS_URL; TLS only for rediss://', () => {
    expect(connectionFor({ REDIS_URL: 'redis://cache.internal:6380/2' })).toEqual({
      host: 'cache.internal',
      port: 6380,
      db: 2,
    });
    expect(
      connectionFor({ REDIS_URL: 'rediss://app:p%40ss@cache.internal', REDIS_TLS_CA: PEM }),
    ).toEqual({
      host: 'cache.internal',
      port: 6379,
      db: 0,
      username: 'app',
      password: 'p@ss',
      tls: { ca: PEM.replace(/\\n/g, '\n') },
    });
  });

  it('with REDIS_SENTINELS asks the sentinels for the primary; the URL gives only credentials', () => {
    expect(
      connectionFor({
        REDIS_URL: 'rediss://app:pw@ignored:1/1',
        REDIS_SENTINELS: '10.0.0.1:26379, 10.0.0.2:26379',
        REDIS_SENTINEL_NAME: 'cache',
        REDIS_SENTINEL_PASSWORD: 'sentinel-pw',
      }),
    ).toEqual({
      username: 'app',
      password: 'pw',
      db: 1,
      sentinels: [
        { host: '10.0.0.1', port: 26379 },
        { host: '10.0.0.2', port: 26379 },
      ],
      name: 'cache',
      sentinelPassword: 'sentinel-pw',
      tls: {},
      enableTLSForSentinelMode: true,
    });
  });

  it('names a malformed sentinel address', () => {
    expect(() => connectionFor({ REDIS_URL: 'redis://x', REDIS_SENTINELS: '10.0.0.1' })).toThrow(
      /REDIS_SENTINELS: "10.0.0.1" is not host:port/,
    );
  });
});
