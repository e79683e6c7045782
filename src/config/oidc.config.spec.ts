import { describe, expect, it } from '@jest/globals';
import { loadConfig } from './app-config.js';
import { ConfigError } from './config.error.js';

const PRODUCTION = {
  NODE_ENV: 'production',
  DATABASE_URL: 'postgres://db/app',
  REDIS_URL: 'redis://redis:6379',
  JWT_SECRET: 'x'.repeat(40),
  SMTP_URL: 'smtp://mail:25',
  MFA_ENCRYPTION_KEY: 'm'.repeat(32),
};

function problems(source: Record<string, string>): string[] {
  try {
    loadConfig(source);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('OIDC configuration', () => {
  it('has no providers by default', () => {
    expect(loadConfig({}).oidc).toEqual({
      providers: [],
      redirectUris: [],
      callbackBaseUrl: 'http://localhost:3000/api/v1',
    });
  });

  it('reads presets and custom issuers with their client ids', () => {
    const config = loadConfig({
      OIDC_PROVIDERS: 'google, Apple,keycloak',
      OIDC_GOOGLE_CLIENT_IDS: 'ios.apps.googleusercontent.com, web.apps.googleusercontent.com',
      OIDC_GOOGLE_CLIENT_SECRET: 'g-secret',
      OIDC_APPLE_CLIENT_IDS: 'com.example.app',
      OIDC_KEYCLOAK_ISSUER: 'https://id.example.com/realms/main/',
      OIDC_KEYCLOAK_CLIENT_IDS: 'backend',
      OIDC_REDIRECT_URIS: 'https://app.example.com/signed-in',
    });
    expect(config.oidc.providers).toEqual([
      {
        name: 'google',
        issuer: 'https://accounts.google.com',
        clientIds: ['ios.apps.googleusercontent.com', 'web.apps.googleusercontent.com'],
        clientSecret: 'g-secret',
      },
      {
        name: 'apple',
        issuer: 'https://appleid.apple.com',
        clientIds: ['com.example.app'],
        clientSecret: null,
      },
      {
        name: 'keycloak',
        issuer: 'https://id.example.com/realms/main',
        clientIds: ['backend'],
        clientSecret: null,
      },
    ]);
    expect(config.oidc.redirectUris).toEqual(['https://app.example.com/signed-in']);
  });

  it('allows a plain-HTTP loopback issuer outside production only', () => {
    const loopback = {
      OIDC_PROVIDERS: 'test',
      OIDC_TEST_ISSUER: 'http://127.0.0.1:4000',
      OIDC_TEST_CLIENT_IDS: 'c',
    };
    expect(problems({ NODE_ENV: 'test', ...loopback })).toEqual([]);
    expect(problems({ ...PRODUCTION, ...loopback })).toEqual([
      'OIDC_TEST_ISSUER: must be an https URL (http://127.0.0.1 only outside production)',
    ]);
    expect(problems({ ...loopback, OIDC_TEST_ISSUER: 'http://idp.example.com' })).toEqual([
      'OIDC_TEST_ISSUER: must be an https URL (http://127.0.0.1 only outside production)',
    ]);
  });

  it('names every missing or bad variable', () => {
    expect(
      problems({
        OIDC_PROVIDERS: 'google,corp,bad-name',
        OIDC_REDIRECT_URIS: 'not a url',
      }),
    ).toEqual([
      'OIDC_GOOGLE_CLIENT_IDS: at least one client id',
      'OIDC_CORP_ISSUER: required for provider corp',
      'OIDC_PROVIDERS: bad-name must be letters and digits, starting with a letter',
      'OIDC_REDIRECT_URIS: not a url is not a URL',
    ]);
  });
});
