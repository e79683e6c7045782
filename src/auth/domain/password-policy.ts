import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { weakPassword } from './auth.errors.js';

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 128;

export type PasswordRejectionReason = 'too_short' | 'too_long' | 'common' | 'matches_identity';

export type PasswordCheck =
  { ok: true } | { ok: false; reason: PasswordRejectionReason; message: string };

export interface PasswordContext {
  email?: string;
  displayName?: string;
}

/** Throws `weak-password` naming the field that carried a password the policy refuses. */
export function assertPasswordAllowed(
  field: string,
  password: string,
  context: PasswordContext,
): void {
  const check = checkPassword(password, context);
  if (!check.ok) throw weakPassword(field, check.message, check.reason);
}

const LIST_FILE = 'common-passwords.txt';

/**
 * NIST SP 800-63B style: length and a blocklist instead of composition rules, which push users
 * towards predictable patterns ("Password1!") without adding strength.
 */
export function checkPassword(password: string, context: PasswordContext = {}): PasswordCheck {
  // Code points, not UTF-16 units, so an emoji counts as one character as the user sees it.
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) {
    return reject('too_short', `Use at least ${PASSWORD_MIN_LENGTH} characters.`);
  }
  if (length > PASSWORD_MAX_LENGTH) {
    return reject('too_long', `Use at most ${PASSWORD_MAX_LENGTH} characters.`);
  }
  const lower = password.toLowerCase();
  if (commonPasswords().has(lower)) {
    return reject('common', 'This password is too common; choose a less predictable one.');
  }
  if (identityVariants(context).has(lower)) {
    return reject('matches_identity', 'Your password must not be your email or name.');
  }
  return { ok: true };
}

function reject(reason: PasswordRejectionReason, message: string): PasswordCheck {
  return { ok: false, reason, message };
}

function identityVariants({ email, displayName }: PasswordContext): Set<string> {
  const variants = new Set<string>();
  const normalizedEmail = email?.trim().toLowerCase();
  if (normalizedEmail) {
    variants.add(normalizedEmail);
    const at = normalizedEmail.lastIndexOf('@');
    if (at > 0) variants.add(normalizedEmail.slice(0, at));
  }
  const name = displayName?.trim().toLowerCase();
  if (name) variants.add(name);
  return variants;
}

let cached: ReadonlySet<string> | undefined;

/** Loaded on first use so processes that never check a password (the worker) pay nothing. */
export function commonPasswords(): ReadonlySet<string> {
  cached ??= new Set(readFileSync(locateList(), 'utf8').split('\n').filter(Boolean));
  return cached;
}

/**
 * tsc does not copy .txt files: next to the module works when running from source (tests,
 * ts-node) or when the build copies `src/auth/data` as an asset into dist; otherwise the
 * process is expected to run from the repo root, where the source copy lives.
 */
function locateList(): string {
  const besideModule = join(import.meta.dirname, '..', 'data', LIST_FILE);
  if (existsSync(besideModule)) return besideModule;
  return join(process.cwd(), 'src', 'auth', 'data', LIST_FILE);
}
