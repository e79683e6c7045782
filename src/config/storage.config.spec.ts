import { describe, expect, it } from '@jest/globals';
import { ConfigError } from './config.error.js';
import { loadConfig } from './app-config.js';

const PRODUCTION = {
  NODE_ENV: 'production',
  DATABASE_URL: 'postgres://db/app',
  REDIS_URL: 'redis://cache:6379',
  JWT_SECRET: 'x'.repeat(32),
  SMTP_URL: 'smtp://mail:587',
  MFA_ENCRYPTION_KEY: 'm'.repeat(32),
};

function problems(source: Record<string, string>): string[] {
  try {
    loadConfig(source);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}

describe('storage configuration', () => {
  it('uses the local driver under DATA_DIR in development, with a signing key of its own', () => {
    const config = loadConfig({ DATA_DIR: '/tmp/app/' });
    expect(config.storage.driver).toBe('local');
    expect(config.storage.local.directory).toBe('/tmp/app/files');
    expect(config.storage.local.signingSecret).toMatch(/^[0-9a-f]{64}$/);
    expect(config.storage.local.signingSecret).not.toBe(config.auth.jwtSecret);
    expect(loadConfig({ STORAGE_SIGNING_SECRET: 's'.repeat(32) }).storage.local.signingSecret).toBe(
      's'.repeat(32),
    );
  });

  it('refuses the local driver in production unless explicitly allowed', () => {
    expect(problems(PRODUCTION)).toEqual([expect.stringMatching(/^STORAGE_DRIVER: local/)]);
    expect(problems({ ...PRODUCTION, STORAGE_ALLOW_LOCAL_IN_PRODUCTION: 'true' })).toEqual([]);
  });

  it('requires the bucket and the keys for S3', () => {
    expect(problems({ ...PRODUCTION, STORAGE_DRIVER: 's3' })).toEqual([
      'S3_BUCKET: required when STORAGE_DRIVER=s3',
      'S3_ACCESS_KEY_ID: required when STORAGE_DRIVER=s3',
      'S3_SECRET_ACCESS_KEY: required when STORAGE_DRIVER=s3',
    ]);
    const s3 = loadConfig({
      ...PRODUCTION,
      STORAGE_DRIVER: 's3',
      S3_BUCKET: 'uploads',
      S3_ACCESS_KEY_ID: 'AKIA',
      S3_SECRET_ACCESS_KEY: 'secret',
      S3_ENDPOINT: 'https://r2.example.com',
      S3_FORCE_PATH_STYLE: 'true',
    }).storage.s3;
    expect(s3).toMatchObject({
      bucket: 'uploads',
      endpoint: 'https://r2.example.com',
      forcePathStyle: true,
    });
  });
});
