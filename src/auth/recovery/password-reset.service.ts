import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock.js';
import type { AuthPrincipal } from '../common/auth/auth-principal.js';
import { APP_CONFIG, type AppConfig } from '../config/index.js';
import { ProblemException } from '../http/problem.exception.js';
import { UsersService } from '../users/index.js';
import { AuthEventsService } from './auth-events.service.js';
import { AuthMail } from './auth-mail.js';
import { AuthThrottle } from './auth-throttle.service.js';
import { assertPasswordAllowed, AuthService } from './auth.service.js';
import type { ClientInfo } from './client-info.js';
import { PasswordHasher } from './domain/password-hasher.js';
import { OneTimeTokens } from './one-time-tokens.service.js';
import { SessionsService } from './sessions.service.js';

const INVALID_TOKEN = () =>
  new ProblemException({
    status: 400,
    slug: 'invalid-token',
    detail: 'The link is invalid, expired or already used. Request a new one.',
    errors: [{ field: 'token', message: 'token is invalid, expired or already used' }],
  });

/** Email verification and password recovery/change. */
@Injectable()
export class AccountRecoveryService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly users: UsersService,
    private readonly hasher: PasswordHasher,
    private readonly sessions: SessionsService,
    private readonly tokens: OneTimeTokens,
    private readonly mail: AuthMail,
    private readonly events: AuthEventsService,
    private readonly throttle: AuthThrottle,
    private readonly auth: AuthService,
  ) {}

  async verifyEmail(token: string, client: ClientInfo): Promise<void> {
    await this.db.transaction(async (manager) => {
      const row = await this.tokens.consume(manager, token, 'email_verification');
      if (!row) throw INVALID_TOKEN();
      const user = await this.users.findById(row.userId, manager);
      if (!user) throw INVALID_TOKEN();
      await this.users.markEmailVerified(user.id, this.clock.now(), manager);
      await this.tokens.voidAll(manager, user.id, 'email_verification');
      await this.events.record({ type: 'email_verified', userId: user.id, client }, manager);
    });
  }

  /** Same answer whether or not the address has an account (or is already verified). */
  async resendVerification(email: string, client: ClientInfo): Promise<void> {
    await this.throttle.consume('resend', { ip: client.ip, account: email });
    await this.db.transaction(async (manager) => {
      const user = await this.users.findByEmail(email, manager);
      if (!user || user.emailVerifiedAt !== null || user.status !== 'active') return;
      await this.tokens.voidAll(manager, user.id, 'email_verification');
      const { id, token } = await this.tokens.issue(
        manager,
        user.id,
        'email_verification',
        this.config.auth.emailVerificationTtlMs,
      );
      await this.mail.verification(manager, user, id, token);
    });
  }

  /** Same 202 for known and unknown addresses; mail only to known, active ones. */
  async forgotPassword(email: string, client: ClientInfo): Promise<void> {
    await this.throttle.consume('forgot', { ip: client.ip, account: email });
    await this.db.transaction(async (manager) => {
      const user = await this.users.findByEmail(email, manager);
      if (!user || user.status !== 'active') return;
      const { id, token } = await this.tokens.issue(
        manager,
        user.id,
        'password_reset',
        this.config.auth.passwordResetTtlMs,
      );
      await this.mail.passwordReset(manager, user, id, token);
      await this.events.record(
        { type: 'password_reset_requested', userId: user.id, client },
        manager,
      );
    });
  }

  /** Sets the password, voids other reset links, ends every session, mails a notice. */
  async resetPassword(token: string, newPassword: string, client: ClientInfo): Promise<void> {
    // Hash outside the transaction: argon2 must not hold a row lock for its whole duration.
    const userId = await this.tokens.peekUserId(token, 'password_reset');
    if (!userId) throw INVALID_TOKEN();
    const user = await this.users.findById(userId);
    if (!user || user.status !== 'active') throw INVALID_TOKEN();
    assertPasswordAllowed('newPassword', newPassword, user);
    const passwordHash = await this.hasher.hash(newPassword);
    const now = this.clock.now();
    const revoked = await this.db.transaction(async (manager) => {
      const row = await this.tokens.consume(manager, token, 'password_reset');
      if (!row || row.userId !== user.id) throw INVALID_TOKEN();
      await this.users.setPasswordHash(user.id, passwordHash, manager);
      // Receiving the mail proves the mailbox.
      await this.users.markEmailVerified(user.id, now, manager);
      await this.tokens.voidAll(manager, user.id, 'password_reset');
      const ids = await this.sessions.revokeAllOf(user.id, 'password_reset', { manager });
      await this.mail.passwordChanged(manager, user, now, row.id);
      await this.events.record(
        {
          type: 'password_reset',
          userId: user.id,
          client,
          details: { revokedSessions: ids.length },
        },
        manager,
      );
      return ids;
    });
    await this.sessions.markRevoked(revoked);
    await this.throttle.throttle.recordLoginSuccess({
      ip: client.ip ?? 'unknown',
      account: user.email,
    });
  }

  /** Needs the current password; ends every other session; mails a notice. */
  async changePassword(
    principal: AuthPrincipal,
    currentPassword: string,
    newPassword: string,
    client: ClientInfo,
  ): Promise<void> {
    const user = await this.users.getById(principal.userId);
    await this.auth.assertCurrentPassword(user, currentPassword, client);
    assertPasswordAllowed('newPassword', newPassword, user);
    const passwordHash = await this.hasher.hash(newPassword);
    const now = this.clock.now();
    const revoked = await this.db.transaction(async (manager) => {
      await this.users.setPasswordHash(user.id, passwordHash, manager);
      await this.tokens.voidAll(manager, user.id, 'password_reset');
      const ids = await this.sessions.revokeAllOf(user.id, 'password_changed', {
        except: principal.sessionId,
        manager,
      });
      await this.mail.passwordChanged(
        manager,
        user,
        now,
        `${principal.sessionId}:${now.getTime()}`,
      );
      await this.events.record(
        {
          type: 'password_changed',
          userId: user.id,
          sessionId: principal.sessionId,
          client,
          details: { revokedSessions: ids.length },
        },
        manager,
      );
      return ids;
    });
    await this.sessions.markRevoked(revoked);
  }
}
