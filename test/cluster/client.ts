import { randomUUID } from 'node:crypto';
import type { Cluster } from './cluster.js';

export interface Answer {
  status: number;
  /** 0 when no HTTP answer came (connection refused or reset, timeout). */
  body: Record<string, unknown> | null;
  headers: Headers | null;
  error: string | null;
}

export interface CallOptions {
  body?: unknown;
  token?: string;
  headers?: Record<string, string>;
  timeoutMs?: number;
}

/** An HTTP call that never throws: errors and timeouts come back as status 0. */
export async function call(
  base: string,
  method: string,
  path: string,
  opts: CallOptions = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.body !== undefined) headers['content-type'] ??= 'application/json';
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  try {
    const res = await fetch(`${base}${path}`, {
      method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      signal: AbortSignal.timeout(opts.timeoutMs ?? 20_000),
    });
    const text = await res.text();
    let body: Record<string, unknown> | null = null;
    try {
      body = text ? (JSON.parse(text) as Record<string, unknown>) : null;
    } catch {
      body = { raw: text };
    }
    return { status: res.status, body, headers: res.headers, error: null };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return { status: 0, body: null, headers: null, error: cause ?? String(error) };
  }
}

export interface SignedIn {
  userId: string;
  email: string;
  password: string;
  token: string;
  sessionId: string;
}

/** Registers through the balancer and signs in (optionally as an admin, set in the database). */
export async function signUp(c: Cluster, opts: { admin?: boolean } = {}): Promise<SignedIn> {
  const email = `c-${randomUUID()}@example.test`;
  const password = `pw ${randomUUID()}`;
  const registered = await call(c.url, 'POST', '/api/v1/auth/register', {
    body: { email, password, displayName: 'Cluster Tester' },
  });
  if (registered.status !== 202) throw new Error(`register: ${registered.status}`);
  if (opts.admin) await c.sql(`UPDATE users SET role = 'admin' WHERE email = $1`, [email]);
  return signIn(c, email, password);
}

export async function signIn(c: Cluster, email: string, password: string): Promise<SignedIn> {
  const login = await call(c.url, 'POST', '/api/v1/auth/login', { body: { email, password } });
  if (login.status !== 200) throw new Error(`login: ${login.status} ${JSON.stringify(login.body)}`);
  const token = String(login.body?.accessToken);
  const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as {
    sid?: string;
  };
  const user = login.body?.user as { id: string };
  return { userId: user.id, email, password, token, sessionId: String(claims.sid) };
}
