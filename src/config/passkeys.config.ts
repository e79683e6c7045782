import { z } from 'zod';
import { ConfigError } from './config.error.js';
import { list, type EnvOf } from './env.helpers.js';

/** Variables of passkey (WebAuthn) sign-in. */
export const passkeysEnv = {
  /** The relying party id: the site's registrable domain (or localhost). Default: APP_URL's host. */
  WEBAUTHN_RP_ID: z
    .string()
    .regex(/^[a-z0-9.-]{1,253}$/i, 'a domain name, without scheme or port')
    .optional(),
  /** The name authenticators show next to the passkey. */
  WEBAUTHN_RP_NAME: z.string().min(1).max(100).default('App'),
  /** Origins (scheme://host[:port]) whose pages may use the passkeys. Default: APP_URL's origin. */
  WEBAUTHN_ORIGINS: list.optional(),
};

type PasskeysEnv = EnvOf<typeof passkeysEnv> & { APP_URL: string };

export function passkeysConfig(env: PasskeysEnv) {
  const appUrl = new URL(env.APP_URL);
  const origins = env.WEBAUTHN_ORIGINS ?? [appUrl.origin];
  const problems = origins
    .filter((origin) => !isOrigin(origin))
    .map((origin) => `WEBAUTHN_ORIGINS: "${origin}" is not an http(s) origin`);
  if (origins.length === 0) problems.push('WEBAUTHN_ORIGINS: at least one origin');
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    rpId: env.WEBAUTHN_RP_ID ?? appUrl.hostname,
    rpName: env.WEBAUTHN_RP_NAME,
    origins,
  };
}
export type PasskeysConfig = ReturnType<typeof passkeysConfig>;

function isOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    return /^https?:$/.test(url.protocol) && url.origin === value;
  } catch {
    return false;
  }
}
