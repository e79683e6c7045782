import { describe, expect, it } from '@jest/globals';
import { loadConfig } from './app-config.js';

const TOKEN = 'metrics-token-for-tests-0123456789';

describe('metrics configuration', () => {
  const production = {
    NODE_ENV: 'production',
    DATABASE_URL: 'postgres://app@db.example/app',
    REDIS_URL: 'redis://redis.example:6379',
    JWT_SECRET: 'j'.repeat(40),
    MFA_ENCRYPTION_KEY: 'm'.repeat(40),
    STORAGE_ALLOW_LOCAL_IN_PRODUCTION: 'true',
    SMTP_URL: 'smtp://mail.example:587',
  };

  it('keeps /metrics off the public port in production unless a token guards it', () => {
    expect(loadConfig(production).metrics.onApiPort).toBe(false);
    expect(loadConfig({ ...production, METRICS_TOKEN: TOKEN }).metrics.onApiPort).toBe(true);
    expect(loadConfig({ ...production, METRICS_PORT: '9090' }).metrics).toMatchObject({
      onApiPort: false,
      port: 9090,
    });
    expect(loadConfig({ NODE_ENV: 'development' }).metrics.onApiPort).toBe(true);
  });

  it('refuses a short token and a port that collides with PORT or WORKER_HEALTH_PORT', () => {
    expect(() => loadConfig({ METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN/);
    expect(() => loadConfig({ PORT: '3000', METRICS_PORT: '3000' })).toThrow(/METRICS_PORT/);
    expect(() => loadConfig({ WORKER_HEALTH_PORT: '3001', METRICS_PORT: '3001' })).toThrow(
      /METRICS_PORT/,
    );
  });
});
