import { z } from 'zod';
import { bool, type EnvOf } from './env.helpers.js';

/** Variables of two-factor authentication (TOTP and recovery codes). */
export const mfaEnv = {
  /** Seals TOTP secrets at rest and keys the recovery-code hashes; ≥ 32 characters. */
  MFA_ENCRYPTION_KEY: z.string().min(32, 'at least 32 characters').optional(),
  /** The issuer authenticator apps show next to the account. */
  MFA_ISSUER: z.string().min(1).max(60).default('App'),
  /** Admins must have MFA on to use admin routes. Default: on in production, off elsewhere. */
  ADMIN_MFA_REQUIRED: bool.optional(),
};

export const DEVELOPMENT_MFA_KEY = 'development-only-mfa-key-do-not-use-in-production-00';

// MFA_ENCRYPTION_KEY in production: see productionRequired (env.ts).
type MfaEnv = EnvOf<typeof mfaEnv>;

export function mfaConfig(env: MfaEnv, production: boolean) {
  return {
    encryptionKey: env.MFA_ENCRYPTION_KEY ?? DEVELOPMENT_MFA_KEY,
    issuer: env.MFA_ISSUER,
    adminRequired: env.ADMIN_MFA_REQUIRED ?? production,
  };
}
export type MfaConfig = ReturnType<typeof mfaConfig>;
