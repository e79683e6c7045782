import { generateKeyPairSync } from 'node:crypto';
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
        clientSecretJwt: null,
        responseMode: 'query',
      },
      {
        name: 'apple',
        issuer: 'https://appleid.apple.com',
        clientIds: ['com.example.app'],
        clientSecret: null,
        clientSecretJwt: null,
        responseMode: 'form_post',
      },
      {
        name: 'keycloak',
        issuer: 'https://id.example.com/realms/main',
        clientIds: ['backend'],
        clientSecret: null,
        clientSecretJwt: null,
        responseMode: 'query',
      },
    ]);
    expect(config.oidc.redirectUris).toEqual(['https://app.example.com/signed-in']);
  });

  it('reads an Apple signing key: all three variables or none, a P-256 PEM', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const base = { OIDC_PROVIDERS: 'apple', OIDC_APPLE_CLIENT_IDS: 'com.example.web' };
    const apple = loadConfig({
      ...base,
      OIDC_APPLE_TEAM_ID: 'TEAM123456',
      OIDC_APPLE_KEY_ID: 'KEY1234567',
      OIDC_APPLE_PRIVATE_KEY: pem.replace(/\n/g, '\\n'),
      OIDC_APPLE_RESPONSE_MODE: 'query',
    }).oidc.providers[0];
    expect(apple).toMatchObject({
      clientSecretJwt: { teamId: 'TEAM123456', keyId: 'KEY1234567', privateKey: pem },
      responseMode: 'query',
    });
    expect(problems({ ...base, OIDC_APPLE_TEAM_ID: 'T' })).toEqual([
      'OIDC_APPLE_TEAM_ID, OIDC_APPLE_KEY_ID and OIDC_APPLE_PRIVATE_KEY go together',
    ]);
    const keyed = { ...base, OIDC_APPLE_TEAM_ID: 'T', OIDC_APPLE_KEY_ID: 'K' };
    expect(problems({ ...keyed, OIDC_APPLE_PRIVATE_KEY: 'x' })).toEqual([
      'OIDC_APPLE_PRIVATE_KEY: not a PEM private key',
    ]);
    expect(problems({ ...base, OIDC_APPLE_RESPONSE_MODE: 'fragment' })).toEqual([
      'OIDC_APPLE_RESPONSE_MODE: query or form_post',
    ]);
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
