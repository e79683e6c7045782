import { createPrivateKey } from 'node:crypto';
import { z } from 'zod';
import { ConfigError } from './config.error.js';
import { list, type EnvOf } from './env.helpers.js';

/**
 * Social sign-in (OpenID Connect). Providers are configured, not coded: each name in
 * OIDC_PROVIDERS reads OIDC_<NAME>_ISSUER, OIDC_<NAME>_CLIENT_IDS and OIDC_<NAME>_CLIENT_SECRET,
 * which is why those are read from the raw source rather than declared here. Apple-style
 * providers add OIDC_<NAME>_TEAM_ID, _KEY_ID and _PRIVATE_KEY (the client secret is then a JWT we
 * sign) and OIDC_<NAME>_RESPONSE_MODE (`form_post` by default for apple).
 */
export const oidcEnv = {
  OIDC_PROVIDERS: list.default([]),
  /** Where the web flow may send the browser back to (exact matches). */
  OIDC_REDIRECT_URIS: list.default([]),
  /** Public base of this API for the web flow's callback; default `<APP_URL>/api/v1`. */
  OIDC_CALLBACK_BASE_URL: z.url().optional(),
};

/** Issuers of the presets: their other variables are still required. */
const PRESET_ISSUERS: Record<string, string> = {
  google: 'https://accounts.google.com',
  apple: 'https://appleid.apple.com',
};

export interface OidcProviderConfig {
  /** Lower-case, as in the route: /auth/oidc/{name}/token. */
  name: string;
  issuer: string;
  /** Every accepted audience (iOS, Android, web); the first one runs the web flow. */
  clientIds: string[];
  /** Only the web flow needs it. */
  clientSecret: string | null;
  /** Sign the client secret as an ES256 JWT with this key instead (Apple). */
  clientSecretJwt: ClientSecretJwtConfig | null;
  /** How the provider returns the authorization response: `form_post` is a POST to the callback. */
  responseMode: 'query' | 'form_post';
}

export interface ClientSecretJwtConfig {
  teamId: string;
  keyId: string;
  /** PKCS#8 PEM of the P-256 key. */
  privateKey: string;
}

const PRESET_RESPONSE_MODES: Record<string, 'query' | 'form_post'> = { apple: 'form_post' };

type OidcEnv = EnvOf<typeof oidcEnv> & {
  NODE_ENV: 'development' | 'test' | 'production';
  APP_URL: string;
};
type Source = Record<string, string | undefined>;

export function oidcConfig(env: OidcEnv, source: Source) {
  const problems: string[] = [];
  const production = env.NODE_ENV === 'production';
  const providers = [...new Set(env.OIDC_PROVIDERS.map((n) => n.toLowerCase()))].flatMap((name) => {
    const found = providerOf(name, source, production);
    if (typeof found === 'string') problems.push(found);
    return typeof found === 'string' ? [] : [found];
  });
  for (const uri of env.OIDC_REDIRECT_URIS) {
    if (!isUrl(uri)) problems.push(`OIDC_REDIRECT_URIS: ${uri} is not a URL`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    providers,
    redirectUris: env.OIDC_REDIRECT_URIS,
    callbackBaseUrl: (env.OIDC_CALLBACK_BASE_URL ?? `${env.APP_URL}/api/v1`).replace(/\/+$/, ''),
  };
}
export type OidcConfig = ReturnType<typeof oidcConfig>;

function providerOf(
  name: string,
  source: Source,
  production: boolean,
): OidcProviderConfig | string {
  if (!/^[a-z][a-z0-9]{0,31}$/.test(name)) {
    return `OIDC_PROVIDERS: ${name} must be letters and digits, starting with a letter`;
  }
  const prefix = `OIDC_${name.toUpperCase()}_`;
  const issuer = source[`${prefix}ISSUER`] || PRESET_ISSUERS[name];
  if (!issuer) return `${prefix}ISSUER: required for provider ${name}`;
  if (!issuerAllowed(issuer, production)) {
    return `${prefix}ISSUER: must be an https URL (http://127.0.0.1 only outside production)`;
  }
  const clientIds = (source[`${prefix}CLIENT_IDS`] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (clientIds.length === 0) return `${prefix}CLIENT_IDS: at least one client id`;
  const responseMode = source[`${prefix}RESPONSE_MODE`] || PRESET_RESPONSE_MODES[name] || 'query';
  if (responseMode !== 'query' && responseMode !== 'form_post') {
    return `${prefix}RESPONSE_MODE: query or form_post`;
  }
  const clientSecretJwt = clientSecretJwtOf(prefix, source);
  if (typeof clientSecretJwt === 'string') return clientSecretJwt;
  return {
    name,
    issuer: issuer.replace(/\/+$/, ''),
    clientIds,
    clientSecret: source[`${prefix}CLIENT_SECRET`] || null,
    clientSecretJwt,
    responseMode,
  };
}

function clientSecretJwtOf(prefix: string, source: Source): ClientSecretJwtConfig | null | string {
  const teamId = source[`${prefix}TEAM_ID`] || '';
  const keyId = source[`${prefix}KEY_ID`] || '';
  // Environments often carry a PEM on one line with literal \n.
  const privateKey = (source[`${prefix}PRIVATE_KEY`] || '').replace(/\\n/g, '\n');
  const given = [teamId, keyId, privateKey].filter(Boolean).length;
  if (given === 0) return null;
  if (given < 3) return `${prefix}TEAM_ID, ${prefix}KEY_ID and ${prefix}PRIVATE_KEY go together`;
  try {
    const key = createPrivateKey(privateKey);
    if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
      return `${prefix}PRIVATE_KEY: must be a P-256 (ES256) key`;
    }
  } catch {
    return `${prefix}PRIVATE_KEY: not a PEM private key`;
  }
  return { teamId, keyId, privateKey };
}

function issuerAllowed(issuer: string, production: boolean): boolean {
  if (!isUrl(issuer)) return false;
  const url = new URL(issuer);
  if (url.protocol === 'https:') return true;
  // The e2e tests run a real issuer on loopback over plain HTTP.
  return !production && url.protocol === 'http:' && url.hostname === '127.0.0.1';
}

function isUrl(value: string): boolean {
  try {
    return /^https?:$/.test(new URL(value).protocol);
  } catch {
    return false;
  }
}
