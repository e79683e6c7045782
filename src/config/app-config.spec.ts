import { describe, expect, it } from '@jest/globals';
import { loadConfig } from './app-config.js';
import { ConfigError } from './config.error.js';

function problems(source: Record<string, string>): string[] {
  try {
    loadConfig(source);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('loadConfig', () => {
  it('gives development defaults from an empty environment', () => {
    const config = loadConfig({});
    expect(config.app).toMatchObject({
      env: 'development',
      role: 'all',
      url: 'http://localhost:3000',
    });
    expect(config.http).toMatchObject({ port: 3000, bodyLimit: '100kb', docsEnabled: true });
    expect(config.database).toMatchObject({ url: null, migrateOnBoot: true, poolSize: 10 });
    expect(config.queue.prefix).toBe('app');
  });

  it('names every invalid variable', () => {
    expect(problems({ PORT: 'eighty', APP_ROLE: 'web', DATABASE_URL: 'mysql://x' })).toEqual([
      expect.stringMatching(/^APP_ROLE: /),
      expect.stringMatching(/^PORT: /),
      expect.stringMatching(/^DATABASE_URL: /),
    ]);
  });

  it('has no defaults for secrets and service URLs in production', () => {
    expect(problems({ NODE_ENV: 'production' })).toEqual([
      'DATABASE_URL: required when NODE_ENV=production',
      'REDIS_URL: required when NODE_ENV=production',
      'JWT_SECRET: required when NODE_ENV=production',
      'SMTP_URL: required when NODE_ENV=production',
      'MFA_ENCRYPTION_KEY: required when NODE_ENV=production',
    ]);
  });

  it('turns docs off in production unless asked for', () => {
    const production = {
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://db/app',
      REDIS_URL: 'redis://cache:6379',
      JWT_SECRET: 'x'.repeat(32),
      SMTP_URL: 'smtp://mail:587',
      MFA_ENCRYPTION_KEY: 'm'.repeat(32),
      STORAGE_ALLOW_LOCAL_IN_PRODUCTION: 'true',
    };
    expect(loadConfig(production).http.docsEnabled).toBe(false);
    expect(loadConfig({ ...production, DOCS_ENABLED: 'true' }).http.docsEnabled).toBe(true);
  });

  it('requires admins to use MFA in production unless told otherwise, and nowhere else by default', () => {
    const production = {
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://db/app',
      REDIS_URL: 'redis://cache:6379',
      JWT_SECRET: 'x'.repeat(32),
      SMTP_URL: 'smtp://mail:587',
      MFA_ENCRYPTION_KEY: 'm'.repeat(32),
      STORAGE_ALLOW_LOCAL_IN_PRODUCTION: 'true',
    };
    expect(loadConfig(production).mfa.adminRequired).toBe(true);
    expect(loadConfig({ ...production, ADMIN_MFA_REQUIRED: 'false' }).mfa.adminRequired).toBe(
      false,
    );
    expect(loadConfig({}).mfa.adminRequired).toBe(false);
    expect(problems({ MFA_ENCRYPTION_KEY: 'short' })).toEqual([
      expect.stringMatching(/^MFA_ENCRYPTION_KEY: /),
    ]);
  });

  it('treats empty values as unset and parses lists', () => {
    const config = loadConfig({
      DATABASE_URL: '',
      CORS_ORIGINS: 'https://a.example, https://b.example',
    });
    expect(config.database.url).toBeNull();
    expect(config.http.corsOrigins).toEqual(['https://a.example', 'https://b.example']);
  });

  it('rejects a short JWT secret', () => {
    expect(problems({ JWT_SECRET: 'short' })).toEqual([expect.stringMatching(/^JWT_SECRET: /)]);
  });

  it('bounds every wait on PostgreSQL and Redis by default, the server-side timeout first', () => {
    const config = loadConfig({});
    expect(config.database.timeouts).toEqual({
      connectMs: 5_000,
      statementMs: 10_000,
      queryMs: 15_000,
      idleInTransactionMs: 30_000,
    });
    expect(config.redis.commandTimeoutMs).toBe(1_000);
    expect(problems({ DB_STATEMENT_TIMEOUT_MS: '20000' })).toEqual([
      'DB_QUERY_TIMEOUT_MS: must be greater than DB_STATEMENT_TIMEOUT_MS',
    ]);
    expect(problems({ DB_CONNECT_TIMEOUT_MS: '0' })).toEqual([
      expect.stringMatching(/^DB_CONNECT_TIMEOUT_MS: /),
    ]);
  });

  it('keeps the readiness delay inside the shutdown timeout', () => {
    expect(problems({ SHUTDOWN_READINESS_DELAY_MS: '10000' })).toEqual([
      'SHUTDOWN_READINESS_DELAY_MS: must be less than SHUTDOWN_TIMEOUT_MS',
    ]);
  });

  it('derives the passkey relying party from APP_URL unless told otherwise', () => {
    expect(loadConfig({ APP_URL: 'https://app.example.com/base/' }).passkeys).toEqual({
      rpId: 'app.example.com',
      rpName: 'App',
      origins: ['https://app.example.com'],
    });
    const configured = loadConfig({
      WEBAUTHN_RP_ID: 'example.com',
      WEBAUTHN_RP_NAME: 'Example',
      WEBAUTHN_ORIGINS: 'https://example.com, https://app.example.com:8443',
    }).passkeys;
    expect(configured).toEqual({
      rpId: 'example.com',
      rpName: 'Example',
      origins: ['https://example.com', 'https://app.example.com:8443'],
    });
  });

  it('rejects passkey origins that are not bare http(s) origins and RP ids with a scheme', () => {
    expect(problems({ WEBAUTHN_ORIGINS: 'https://example.com/login,ftp://example.com' })).toEqual([
      'WEBAUTHN_ORIGINS: "https://example.com/login" is not an http(s) origin',
      'WEBAUTHN_ORIGINS: "ftp://example.com" is not an http(s) origin',
    ]);
    expect(problems({ WEBAUTHN_RP_ID: 'https://example.com' })).toEqual([
      expect.stringMatching(/^WEBAUTHN_RP_ID: /),
    ]);
  });
});
