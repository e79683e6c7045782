import { randomUUID } from 'node:crypto';
import { makeAdmin } from './factories.js';
import type { ReceivedMail } from './smtp.js';
import type { TestApp } from './test-app.js';

export interface SignedUp {
  userId: string;
  email: string;
  password: string;
  accessToken: string;
  refreshToken: string;
}

export interface SignUpOptions {
  role?: 'user' | 'admin';
  email?: string;
  password?: string;
  displayName?: string;
}

/**
 * A fresh user through the real API (register, then login). Admins are promoted (`makeAdmin`)
 * before logging in, so the access token already carries the admin role.
 */
export async function signUp(t: TestApp, opts: SignUpOptions = {}): Promise<SignedUp> {
  const email = opts.email ?? `user-${randomUUID()}@example.test`;
  const password = opts.password ?? `pw ${randomUUID()}`;
  const displayName = opts.displayName ?? 'Test User';
  const registered = await t.http
    .post('/api/v1/auth/register')
    .send({ email, password, displayName });
  if (registered.status !== 202) {
    throw new Error(`signUp: register answered ${registered.status} ${registered.text}`);
  }
  if (opts.role === 'admin') {
    await makeAdmin(t.app, email);
  }
  const { userId, ...tokens } = await login(t, email, password);
  return { userId, email, password, ...tokens };
}

export async function login(
  t: TestApp,
  email: string,
  password: string,
  deviceName?: string,
): Promise<{ userId: string; accessToken: string; refreshToken: string }> {
  const res = await t.http
    .post('/api/v1/auth/login')
    .send({ email, password, ...(deviceName ? { deviceName } : {}) });
  if (res.status !== 200) throw new Error(`login answered ${res.status} ${res.text}`);
  const { accessToken, refreshToken, user } = res.body;
  return { userId: user.id, accessToken, refreshToken };
}

/** The token of the first `path?token=` link in a mail. */
export function tokenFrom(mail: ReceivedMail, path: string): { url: string; token: string } {
  const match = mail.text.match(new RegExp(`(https?://\\S+${path}\\?token=([A-Za-z0-9_-]{43}))`));
  if (!match?.[1] || !match[2]) throw new Error(`no ${path} link in mail: ${mail.text}`);
  return { url: match[1], token: match[2] };
}
