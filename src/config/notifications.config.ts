import { z } from 'zod';
import { int, url, type EnvOf } from './env.helpers.js';

/** Variables of the notifications module. */
export const notificationsEnv = {
  SMTP_URL: url(/^smtps?:$/).optional(),
  MAIL_FROM: z.string().min(3).default('no-reply@localhost'),
  /** The product name in mail signatures and subjects. */
  NOTIFICATIONS_APP_NAME: z.string().min(1).max(60).default('App'),
  /** A Google service-account key file's JSON; unset: pushes go to the log. */
  FCM_SERVICE_ACCOUNT_JSON: z
    .string()
    .refine(
      isServiceAccountJson,
      'must be a service-account key file (JSON with project_id, client_email, private_key, token_uri)',
    )
    .optional(),
  /** FCM's origin (tests point it at a local server). */
  FCM_BASE_URL: url(/^https?:$/).default('https://fcm.googleapis.com'),
  NOTIFICATIONS_MAX_ATTEMPTS: int(1, 50).default(8),
  /** First retry delay of a failed delivery; doubles each attempt. */
  NOTIFICATIONS_BACKOFF_MS: int(10, 3_600_000).default(5000),
  NOTIFICATIONS_CONCURRENCY: int(1, 200).default(10),
  /**
   * How long a worker's claim on a delivery lasts before another may take it over. The worker
   * renews it every third of this while it sends, so it bounds the takeover after a crash, not
   * the length of a send.
   */
  NOTIFICATIONS_SEND_LEASE_MS: int(300, 3_600_000).default(30_000),
  NOTIFICATIONS_BROADCAST_BATCH: int(10, 10_000).default(1000),
  NOTIFICATIONS_SSE_HEARTBEAT_MS: int(100, 300_000).default(20_000),
  NOTIFICATIONS_STREAM_TICKET_TTL_S: int(5, 3600).default(60),
};

type NotificationsEnv = EnvOf<typeof notificationsEnv>;

export function notificationsConfig(env: NotificationsEnv) {
  return {
    smtpUrl: env.SMTP_URL ?? null,
    mailFrom: env.MAIL_FROM,
    appName: env.NOTIFICATIONS_APP_NAME,
    fcm: env.FCM_SERVICE_ACCOUNT_JSON
      ? { serviceAccountJson: env.FCM_SERVICE_ACCOUNT_JSON, baseUrl: env.FCM_BASE_URL }
      : null,
    maxAttempts: env.NOTIFICATIONS_MAX_ATTEMPTS,
    backoffMs: env.NOTIFICATIONS_BACKOFF_MS,
    concurrency: env.NOTIFICATIONS_CONCURRENCY,
    sendLeaseMs: env.NOTIFICATIONS_SEND_LEASE_MS,
    broadcastBatchSize: env.NOTIFICATIONS_BROADCAST_BATCH,
    sseHeartbeatMs: env.NOTIFICATIONS_SSE_HEARTBEAT_MS,
    streamTicketTtlSeconds: env.NOTIFICATIONS_STREAM_TICKET_TTL_S,
  };
}
export type NotificationsConfig = ReturnType<typeof notificationsConfig>;

function isServiceAccountJson(value: string): boolean {
  try {
    const parsed: unknown = JSON.parse(value);
    if (typeof parsed !== 'object' || parsed === null) return false;
    const fields = parsed as Record<string, unknown>;
    return ['project_id', 'client_email', 'private_key', 'token_uri'].every(
      (key) => typeof fields[key] === 'string' && fields[key] !== '',
    );
  } catch {
    return false;
  }
}
