import { ApiProblem, createApiClient } from '../../clients/typescript/src/index.js';

/** Who the console is signed in as, and the CSRF token its unsafe requests echo. */
export interface ConsoleSession {
  user: { id: string; email: string; role: string };
  csrfToken: string;
  /** ADMIN_MFA_REQUIRED is on and this admin has no second factor yet: set it up first. */
  mfaEnrolmentRequired?: boolean;
}

let csrfToken = '';
let onSignedOut: () => void = () => {};
let onEnrolmentRequired: () => void = () => {};

export function setSession(session: ConsoleSession | null): void {
  csrfToken = session?.csrfToken ?? '';
}

export function whenSignedOut(handler: () => void): void {
  onSignedOut = handler;
}

/** An admin route answered `mfa-enrolment-required`: the console shows the set-up page. */
export function whenEnrolmentRequired(handler: () => void): void {
  onEnrolmentRequired = handler;
}

/**
 * Every console request: same-origin with the session cookie, the CSRF header on writes, and a
 * 401 sends the operator back to the sign-in page (the session ended or was revoked).
 */
async function consoleFetch(request: Request): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    request.headers.set('X-CSRF-Token', csrfToken);
  }
  const response = await fetch(request, { credentials: 'same-origin' });
  if (response.status === 401) onSignedOut();
  if (response.status === 403 && (await problemType(response)) === ENROLMENT_REQUIRED) {
    onEnrolmentRequired();
  }
  return response;
}

const ENROLMENT_REQUIRED = 'urn:problem:mfa-enrolment-required';

async function problemType(response: Response): Promise<string | undefined> {
  const body = (await response
    .clone()
    .json()
    .catch(() => null)) as { type?: unknown } | null;
  return typeof body?.type === 'string' ? body.type : undefined;
}

/**
 * The generated SDK with the console's base URL: `/admin` + `/api/v1/...` is the console's
 * forwarder onto the REST API (src/ops/console), which adds the bearer token server-side.
 */
export const api = createApiClient({
  baseUrl: `${window.location.origin}/admin`,
  fetch: consoleFetch,
});

/** The SDK's answer as data, or the problem it carried as a thrown ApiProblem. */
export async function must<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  const { data, error, response } = await call;
  if (response.ok) return data as T;
  throw ApiProblem.from(error, response);
}

async function sessionCall(method: string, body?: unknown, path = ''): Promise<Response> {
  return fetch(`/admin/api/session${path}`, {
    method,
    credentials: 'same-origin',
    headers: {
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      // Signing in has no token yet; everything after it echoes the session's.
      ...(method === 'DELETE' || path ? { 'X-CSRF-Token': csrfToken } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

export async function currentSession(): Promise<ConsoleSession | null> {
  const response = await sessionCall('GET');
  if (response.status === 401) return null;
  if (!response.ok) throw ApiProblem.from(await response.json().catch(() => null), response);
  return (await response.json()) as ConsoleSession;
}

export type SignInAnswer = ConsoleSession | { mfaRequired: true; mfaToken: string };

export async function signIn(
  body: { email: string; password: string } | { mfaToken: string; code: string },
): Promise<SignInAnswer> {
  const response = await sessionCall('POST', body);
  if (!response.ok) throw ApiProblem.from(await response.json().catch(() => null), response);
  return (await response.json()) as SignInAnswer;
}

/** Step one of setting up an authenticator app: POST /auth/mfa/totp through the forwarder. */
export async function startTotpEnrolment(): Promise<{ secret: string; otpauthUri: string }> {
  return must(api.POST('/api/v1/auth/mfa/totp'));
}

/**
 * Step two: the app's first code turns MFA on and the console session continues at aal2; the
 * recovery codes come this once.
 */
export async function confirmTotpEnrolment(
  code: string,
): Promise<{ recoveryCodes: string[]; session: ConsoleSession }> {
  const response = await sessionCall('POST', { code }, '/mfa');
  if (!response.ok) throw ApiProblem.from(await response.json().catch(() => null), response);
  return (await response.json()) as { recoveryCodes: string[]; session: ConsoleSession };
}

export async function signOut(): Promise<void> {
  await sessionCall('DELETE');
}

export { ApiProblem };
