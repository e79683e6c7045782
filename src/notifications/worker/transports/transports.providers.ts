import { Logger, type Provider } from '@nestjs/common';
import { Clock } from '../../../common/clock.js';
import { APP_CONFIG, type AppConfig } from '../../../config/index.js';
import { EmailTransport, LogEmailTransport, SmtpEmailTransport } from './email.transport.js';
import {
  FcmPushTransport,
  LogPushTransport,
  parseServiceAccount,
  PushTransport,
} from './push.transport.js';

/** `{ info(obj, msg) }` over Nest's logger (pino underneath). */
function structuredLogger(context: string) {
  const logger = new Logger(context);
  return { info: (obj: object, msg: string) => logger.log(obj, msg) };
}

/** SMTP when SMTP_URL is set; otherwise the log (development default). */
export const emailTransportProvider: Provider = {
  provide: EmailTransport,
  inject: [APP_CONFIG],
  useFactory: (config: AppConfig): EmailTransport => {
    const { smtpUrl, mailFrom } = config.notifications;
    if (smtpUrl) return new SmtpEmailTransport({ url: smtpUrl, from: mailFrom });
    if (config.app.env === 'production') {
      new Logger('Notifications').error('SMTP_URL is not set: emails are written to the log only');
    }
    return new LogEmailTransport(structuredLogger('Mail'), mailFrom);
  },
};

/** FCM HTTP v1 when FCM_SERVICE_ACCOUNT_JSON is set; otherwise the log. */
export const pushTransportProvider: Provider = {
  provide: PushTransport,
  inject: [APP_CONFIG, Clock],
  useFactory: (config: AppConfig, clock: Clock): PushTransport => {
    const fcm = config.notifications.fcm;
    if (!fcm) return new LogPushTransport(structuredLogger('Push'));
    return new FcmPushTransport({
      credentials: parseServiceAccount(fcm.serviceAccountJson),
      clock,
      baseUrl: fcm.baseUrl,
    });
  },
};
