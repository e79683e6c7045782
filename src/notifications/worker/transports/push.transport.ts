import { randomUUID } from 'node:crypto';
import { SignJWT, importPKCS8 } from 'jose';
import type { Clock } from '../../../common/clock.js';
import { PermanentDeliveryError, PushTokenUnregisteredError } from './delivery-errors.js';

export { PermanentDeliveryError, PushTokenUnregisteredError } from './delivery-errors.js';

export type PushPlatform = 'ios' | 'android' | 'web';

export interface PushMessage {
  token: string;
  platform: PushPlatform;
  title: string;
  body: string;
  /** FCM carries data values as strings only. */
  data?: Record<string, string>;
}

export interface PushSendResult {
  messageId: string;
}

/** The sending port; the abstract class is the DI token, adapters extend it. */
export abstract class PushTransport {
  /**
   * Throws PushTokenUnregisteredError when the device is gone (the caller deletes it),
   * PermanentDeliveryError when retrying cannot help, anything else when it can.
   */
  abstract send(message: PushMessage): Promise<PushSendResult>;
}

/** The fields of a Google service-account key file that FCM needs. */
export interface ServiceAccount {
  project_id: string;
  client_email: string;
  private_key: string;
  token_uri: string;
  private_key_id?: string;
}

const REQUIRED_KEYS = ['project_id', 'client_email', 'private_key', 'token_uri'] as const;

/** Parses the key file JSON from config; throws naming the first missing field. */
export function parseServiceAccount(json: string): ServiceAccount {
  const raw: unknown = JSON.parse(json);
  if (typeof raw !== 'object' || raw === null) throw new Error('Service account must be an object');
  const fields = raw as Record<string, unknown>;
  for (const key of REQUIRED_KEYS) {
    if (typeof fields[key] !== 'string' || fields[key] === '') {
      throw new Error(`Service account is missing "${key}"`);
    }
  }
  return raw as ServiceAccount;
}

/** A non-2xx answer from FCM or the token endpoint that is worth retrying. */
export class FcmHttpError extends Error {
  override readonly name = 'FcmHttpError';

  constructor(
    message: string,
    readonly status: number,
    readonly errorCode: string | null,
    readonly retryAfterSeconds: number | null,
  ) {
    super(message);
  }
}

export interface FcmPushTransportOptions {
  credentials: ServiceAccount;
  clock: Clock;
  /** FCM's origin; tests point it at a local server. */
  baseUrl?: string;
  timeoutMs?: number;
}

export const FCM_SCOPE = 'https://www.googleapis.com/auth/firebase.messaging';
const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const ASSERTION_LIFETIME_S = 3600;
/** Refresh this long before expiry so a token never dies in flight or to clock skew. */
const REFRESH_MARGIN_MS = 5 * 60_000;

interface AccessToken {
  value: string;
  refreshAt: number;
}

/** FCM HTTP v1 with a service account: OAuth2 JWT-bearer token, cached until near expiry. */
export class FcmPushTransport extends PushTransport {
  private token: AccessToken | null = null;
  private pendingToken: Promise<AccessToken> | null = null;
  private signingKey: ReturnType<typeof importPKCS8> | null = null;

  constructor(private readonly options: FcmPushTransportOptions) {
    super();
  }

  async send(message: PushMessage): Promise<PushSendResult> {
    const { credentials, baseUrl = 'https://fcm.googleapis.com' } = this.options;
    const project = encodeURIComponent(credentials.project_id);
    const response = await fetch(`${baseUrl}/v1/projects/${project}/messages:send`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await this.accessToken()}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ message: toFcmMessage(message) }),
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
    });
    if (response.ok) {
      const body = (await response.json()) as { name?: unknown };
      return { messageId: typeof body.name === 'string' ? body.name : '' };
    }
    // A revoked or early-expired token: drop it so the retry signs a fresh one.
    if (response.status === 401) this.token = null;
    throw fcmError(response.status, await readJson(response), response.headers);
  }

  private async accessToken(): Promise<string> {
    const now = this.options.clock.now().getTime();
    if (this.token && now < this.token.refreshAt) return this.token.value;
    // Concurrent sends share one token request instead of each signing their own.
    this.pendingToken ??= this.requestToken().finally(() => {
      this.pendingToken = null;
    });
    this.token = await this.pendingToken;
    return this.token.value;
  }

  private async requestToken(): Promise<AccessToken> {
    const { credentials, clock } = this.options;
    const issuedAt = clock.now().getTime();
    const response = await fetch(credentials.token_uri, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: JWT_BEARER, assertion: await this.assertion() }),
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
    });
    const body = (await readJson(response)) as { access_token?: unknown; expires_in?: unknown };
    if (!response.ok || typeof body.access_token !== 'string') {
      const detail = JSON.stringify(body).slice(0, 300);
      throw new FcmHttpError(
        `OAuth token request failed (${response.status}): ${detail}`,
        response.status,
        null,
        null,
      );
    }
    const lifetimeS = typeof body.expires_in === 'number' ? body.expires_in : ASSERTION_LIFETIME_S;
    return { value: body.access_token, refreshAt: issuedAt + lifetimeS * 1000 - REFRESH_MARGIN_MS };
  }

  private async assertion(): Promise<string> {
    const { credentials, clock } = this.options;
    this.signingKey ??= importPKCS8(credentials.private_key, 'RS256');
    const nowS = Math.floor(clock.now().getTime() / 1000);
    const kid = credentials.private_key_id;
    return new SignJWT({ scope: FCM_SCOPE })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', ...(kid ? { kid } : {}) })
      .setIssuer(credentials.client_email)
      .setAudience(credentials.token_uri)
      .setIssuedAt(nowS)
      .setExpirationTime(nowS + ASSERTION_LIFETIME_S)
      .sign(await this.signingKey);
  }
}

function toFcmMessage(message: PushMessage): Record<string, unknown> {
  const { token, platform, title, body, data } = message;
  return {
    token,
    notification: { title, body },
    ...(data ? { data } : {}),
    // iOS stays silent unless the payload asks for a sound; Android and web use channel defaults.
    ...(platform === 'ios' ? { apns: { payload: { aps: { sound: 'default' } } } } : {}),
  };
}

interface FcmErrorBody {
  error?: {
    message?: string;
    status?: string;
    details?: {
      '@type'?: string;
      errorCode?: string;
      fieldViolations?: { field?: string; description?: string }[];
    }[];
  };
}

/**
 * FCM's verdicts, from https://firebase.google.com/docs/reference/fcm/rest/v1/ErrorCode:
 * UNREGISTERED, SENDER_ID_MISMATCH (token of another project) and INVALID_ARGUMENT about the
 * token mean this device will never receive; another INVALID_ARGUMENT is our payload, which a
 * retry would send unchanged. 401/403/404 otherwise are configuration, 429/5xx are load:
 * both worth retrying.
 */
export function fcmError(status: number, body: unknown, headers?: Headers): Error {
  const error = (body as FcmErrorBody | null)?.error;
  const details = error?.details ?? [];
  const errorCode = details.find((d) => d.errorCode)?.errorCode ?? error?.status ?? null;
  const message = `FCM send failed (${status} ${errorCode ?? 'unknown'}): ${error?.message ?? ''}`;
  if (errorCode === 'UNREGISTERED' || errorCode === 'SENDER_ID_MISMATCH') {
    return new PushTokenUnregisteredError(message);
  }
  if (status === 400 && errorCode === 'INVALID_ARGUMENT') {
    const aboutToken =
      details.some((d) => d.fieldViolations?.some((v) => v.field === 'message.token')) ||
      /registration token/i.test(error?.message ?? '');
    return aboutToken
      ? new PushTokenUnregisteredError(message)
      : new PermanentDeliveryError(message);
  }
  const retryAfter = Number(headers?.get('retry-after'));
  return new FcmHttpError(
    message,
    status,
    errorCode,
    Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null,
  );
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  try {
    return JSON.parse(text);
  } catch {
    return { error: { message: text.slice(0, 300) } };
  }
}

/** `{ info(obj, msg) }`: what pino offers, and all this adapter needs. */
export interface PushLogger {
  info(obj: object, msg: string): void;
}

/** Development default: the push goes to the log; only the token's tail, since it addresses a device. */
export class LogPushTransport extends PushTransport {
  constructor(private readonly logger: PushLogger) {
    super();
  }

  async send(message: PushMessage): Promise<PushSendResult> {
    const messageId = `log/${randomUUID()}`;
    const { token, platform, title, body, data } = message;
    this.logger.info(
      { push: { messageId, token: `…${token.slice(-8)}`, platform, title, body, data } },
      `Push to a ${platform} device written to the log: ${title}`,
    );
    return { messageId };
  }
}
