import { z } from 'zod';
import type { EnvOf } from './env.helpers.js';

/** Variables of the admin console (src/ops/console). */
export const consoleEnv = {
  /** The built console (`vite build` output); relative paths are from the working directory. */
  ADMIN_CONSOLE_DIR: z.string().min(1).max(1000).default('dist/admin'),
};

type ConsoleEnv = EnvOf<typeof consoleEnv>;

export function consoleConfig(env: ConsoleEnv) {
  return { dir: env.ADMIN_CONSOLE_DIR };
}
export type ConsoleConfig = ReturnType<typeof consoleConfig>;
