import { z } from 'zod';
import { url, type EnvOf } from './env.helpers.js';

/** Variables of the notifications module. */
export const notificationsEnv = {
  SMTP_URL: url(/^smtps?:$/).optional(),
  MAIL_FROM: z.string().min(3).default('no-reply@localhost'),
};

type NotificationsEnv = EnvOf<typeof notificationsEnv>;

export function notificationsConfig(env: NotificationsEnv) {
  return { smtpUrl: env.SMTP_URL ?? null, mailFrom: env.MAIL_FROM };
}
export type NotificationsConfig = ReturnType<typeof notificationsConfig>;
