import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { ConfigError } from './config.error.js';
import { bool, int, list, type EnvOf } from './env.helpers.js';

const MINUTE = 60;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Variables of the auth and users modules. */
export const authEnv = {
  JWT_SECRET: z.string().min(32, 'at least 32 characters').optional(),
  /**
   * Verify-only signing keys, comma-separated: the secrets JWT_SECRET had before a rotation, kept
   * for one access-token lifetime so the tokens they signed stay valid (README, "Rotating the
   * JWT key").
   */
  JWT_PREVIOUS_SECRETS: list
    .pipe(z.array(z.string().min(32, 'each at least 32 characters')).max(5, 'at most 5'))
    .optional(),
  JWT_ISSUER: z.string().min(1).max(200).default('app-backend'),
  JWT_AUDIENCE: z.string().min(1).max(200).default('app-api'),
  ACCESS_TOKEN_TTL_SECONDS: int(60, DAY).default(15 * MINUTE),
  SESSION_IDLE_TIMEOUT_SECONDS: int(5 * MINUTE, 365 * DAY).default(14 * DAY),
  SESSION_ABSOLUTE_LIFETIME_SECONDS: int(5 * MINUTE, 365 * DAY).default(30 * DAY),
  REFRESH_GRACE_SECONDS: int(0, 60).default(10),
  EMAIL_VERIFICATION_TTL_HOURS: int(1, 24 * 14).default(24),
  PASSWORD_RESET_TTL_MINUTES: int(5, 24 * 60).default(30),
  AUTH_ALLOW_UNVERIFIED_LOGIN: bool.default(true),
  /** argon2id cost; OWASP defaults. Tests may lower them (never in production). */
  ARGON2_MEMORY_KIB: int(1024, 1024 * 1024).default(19_456),
  ARGON2_TIME_COST: int(1, 20).default(2),
  ARGON2_PARALLELISM: int(1, 16).default(1),
  /**
   * argon2 computations at once (more wait their turn). Default: one per core. Each fills a core
   * and 19 MiB of memory; more at once than cores only evict each other's memory from the CPU
   * caches (bench: 4 at once on 2 cores, 66–69 verifies/s; 2 at once, 73–75).
   */
  ARGON2_CONCURRENCY: int(1, 256).optional(),
  /**
   * Multiplies every per-IP rate limit (default 1). The tests raise it: all their traffic comes
   * from 127.0.0.1. Per-account limits are never scaled.
   */
  AUTH_IP_LIMIT_MULTIPLIER: int(1, 100_000).default(1),
  /** First admin, created once at boot when the users table is empty. */
  ADMIN_EMAIL: z.email().max(254).optional(),
  ADMIN_PASSWORD: z.string().min(1).max(128).optional(),
};

export const DEVELOPMENT_JWT_SECRET = 'development-only-secret-do-not-use-in-production-0000';

/**
 * A key's id, derived from the secret so operators rotate by swapping secrets alone (no ids to
 * invent and keep in step). 96 bits of a SHA-256 under a fixed label: it names the key without
 * helping anyone guess a secret of at least 32 characters.
 */
export function jwtKeyId(secret: string): string {
  return createHash('sha256')
    .update(`app-backend:jwt-kid:v1:${secret}`)
    .digest('base64url')
    .slice(0, 16);
}

// JWT_SECRET in production: see productionRequired (env.ts).
type AuthEnv = EnvOf<typeof authEnv>;

export function authConfig(env: AuthEnv) {
  const problems: string[] = [];
  if ((env.ADMIN_EMAIL === undefined) !== (env.ADMIN_PASSWORD === undefined)) {
    problems.push('ADMIN_EMAIL / ADMIN_PASSWORD: set both or neither');
  }
  if (env.SESSION_ABSOLUTE_LIFETIME_SECONDS < env.SESSION_IDLE_TIMEOUT_SECONDS) {
    problems.push('SESSION_ABSOLUTE_LIFETIME_SECONDS: must not be shorter than the idle timeout');
  }
  const jwtSecret = env.JWT_SECRET ?? DEVELOPMENT_JWT_SECRET;
  const previous = (env.JWT_PREVIOUS_SECRETS ?? []).filter((secret) => secret !== jwtSecret);
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    jwtSecret,
    /** The signing key first, then the verify-only ones; each named by its `kid`. */
    jwtKeys: [jwtSecret, ...previous].map((secret) => ({ kid: jwtKeyId(secret), secret })),
    jwtIssuer: env.JWT_ISSUER,
    jwtAudience: env.JWT_AUDIENCE,
    accessTokenTtlSeconds: env.ACCESS_TOKEN_TTL_SECONDS,
    session: {
      idleTimeoutMs: env.SESSION_IDLE_TIMEOUT_SECONDS * 1000,
      absoluteLifetimeMs: env.SESSION_ABSOLUTE_LIFETIME_SECONDS * 1000,
      refreshGraceMs: env.REFRESH_GRACE_SECONDS * 1000,
    },
    emailVerificationTtlMs: env.EMAIL_VERIFICATION_TTL_HOURS * HOUR * 1000,
    passwordResetTtlMs: env.PASSWORD_RESET_TTL_MINUTES * MINUTE * 1000,
    allowUnverifiedLogin: env.AUTH_ALLOW_UNVERIFIED_LOGIN,
    argon2: {
      memoryCost: env.ARGON2_MEMORY_KIB,
      timeCost: env.ARGON2_TIME_COST,
      parallelism: env.ARGON2_PARALLELISM,
    },
    argon2Concurrency: env.ARGON2_CONCURRENCY ?? availableParallelism(),
    ipLimitMultiplier: env.AUTH_IP_LIMIT_MULTIPLIER,
    initialAdmin:
      env.ADMIN_EMAIL && env.ADMIN_PASSWORD
        ? { email: env.ADMIN_EMAIL, password: env.ADMIN_PASSWORD }
        : null,
  };
}
export type AuthConfig = ReturnType<typeof authConfig>;
