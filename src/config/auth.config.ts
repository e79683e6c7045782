import { z } from 'zod';
import type { EnvOf } from './env.helpers.js';

/** Variables of the auth and users modules. */
export const authEnv = {
  JWT_SECRET: z.string().min(32, 'at least 32 characters').optional(),
};

export const DEVELOPMENT_JWT_SECRET = 'development-only-secret-do-not-use-in-production-0000';

type AuthEnv = EnvOf<typeof authEnv>;

export function authConfig(env: AuthEnv) {
  return { jwtSecret: env.JWT_SECRET ?? DEVELOPMENT_JWT_SECRET };
}
export type AuthConfig = ReturnType<typeof authConfig>;
