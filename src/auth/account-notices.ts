import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/index.js';
import { NotificationsService } from '../notifications/index.js';
import type { User } from '../users/index.js';
import type { ClientInfo } from './client-info.js';

export type MfaChange = 'enabled' | 'disabled' | 'recovery_codes_regenerated';

/** Paths of the client app that handle the mailed links (on APP_URL, never the Host header). */
export const VERIFY_EMAIL_PATH = '/verify-email';
export const RESET_PASSWORD_PATH = '/reset-password';
export const SIGN_IN_PATH = '/sign-in';

/**
 * What auth tells an account's owner (verification and reset links, password changed, new
 * sign-in): each a notification requested inside the auth transaction (outbox), delivered on the
 * owner's channels (mail, push, in-app). Committed changes always get their notice, rolled back
 * ones never, and no request waits on SMTP or a push gateway.
 */
@Injectable()
export class AccountNotices {
  constructor(
    private readonly notifications: NotificationsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  verification(manager: EntityManager, user: User, tokenId: string, token: string) {
    return this.notifications.notify(manager, {
      userId: user.id,
      type: 'auth.email_verification',
      data: { displayName: user.displayName, verifyUrl: this.link(VERIFY_EMAIL_PATH, token) },
      idempotencyKey: `auth.email_verification:${tokenId}`,
    });
  }

  passwordReset(manager: EntityManager, user: User, tokenId: string, token: string) {
    return this.notifications.notify(manager, {
      userId: user.id,
      type: 'auth.password_reset',
      data: { displayName: user.displayName, resetUrl: this.link(RESET_PASSWORD_PATH, token) },
      idempotencyKey: `auth.password_reset:${tokenId}`,
    });
  }

  passwordChanged(manager: EntityManager, user: User, at: Date, eventKey: string) {
    return this.notifications.notify(manager, {
      userId: user.id,
      type: 'auth.password_changed',
      data: { displayName: user.displayName, changedAt: at.toISOString() },
      idempotencyKey: `auth.password_changed:${eventKey}`,
    });
  }

  /** To the owner of an address someone tried to register again (no token: nothing to steal). */
  accountExists(manager: EntityManager, user: User, attemptKey: string) {
    return this.notifications.notify(manager, {
      userId: user.id,
      type: 'auth.account_exists',
      data: { displayName: user.displayName, signInUrl: `${this.config.app.url}${SIGN_IN_PATH}` },
      idempotencyKey: `auth.account_exists:${attemptKey}`,
    });
  }

  /** A sign-in from a client the account has not used lately (the session names it). */
  newLogin(manager: EntityManager, user: User, sessionId: string, client: ClientInfo, at: Date) {
    return this.notifications.notify(manager, {
      userId: user.id,
      type: 'auth.new_login',
      data: {
        displayName: user.displayName,
        at: at.toISOString(),
        ipAddress: client.ip,
        userAgent: client.userAgent,
      },
      idempotencyKey: `auth.new_login:${sessionId}`,
    });
  }

  /** Two-factor authentication turned on or off, or its recovery codes replaced. */
  mfaChanged(manager: EntityManager, user: User, change: MfaChange, at: Date, eventKey: string) {
    return this.notifications.notify(manager, {
      userId: user.id,
      type: 'auth.mfa_changed',
      data: { displayName: user.displayName, change, at: at.toISOString() },
      idempotencyKey: `auth.mfa_changed:${eventKey}`,
    });
  }

  private link(path: string, token: string): string {
    const url = new URL(`${this.config.app.url}${path}`);
    url.searchParams.set('token', token);
    return url.toString();
  }
}
