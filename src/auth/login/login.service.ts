import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock.js';
import type { AuthPrincipal } from '../common/auth/auth-principal.js';
import { APP_CONFIG, type AppConfig } from '../config/index.js';
import { ProblemException } from '../http/problem.exception.js';
import type { User } from '../users/index.js';
import { UsersService } from '../users/index.js';
import { AuthEventsService } from './auth-events.service.js';
import { AuthMail } from './auth-mail.js';
import { assertAllowed, AuthThrottle } from './auth-throttle.service.js';
import type { ClientInfo } from './client-info.js';
import { PasswordHasher } from './domain/password-hasher.js';
import { checkPassword, type PasswordContext } from './domain/password-policy.js';
import type { LoginDto, RegisterDto, TokenResponseDto } from './dto/auth.dto.js';
import { OneTimeTokens } from './one-time-tokens.service.js';
import { SessionsService } from './sessions.service.js';

export const INVALID_CREDENTIALS = () =>
  new ProblemException({
    status: 401,
    slug: 'invalid-credentials',
    detail: 'The email address or password is incorrect.',
  });

/** 400 with the policy's message on the given field. */
export function assertPasswordAllowed(field: string, password: string, context: PasswordContext) {
  const check = checkPassword(password, context);
  if (check.ok) return;
  throw new ProblemException({
    status: 400,
    slug: 'weak-password',
    detail: check.message,
    errors: [{ field, message: check.message }],
    extensions: { reason: check.reason },
  });
}

/** Registration, login and logout. */
@Injectable()
export class AuthService {
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
  ) {}

  /**
   * The same answer whether or not the address is taken (no account enumeration): a new address
   * gets the verification mail, a taken one an "you already have an account" mail. Both paths
   * hash the password first, so they take the same time.
   */
  async register(input: RegisterDto, client: ClientInfo): Promise<void> {
    // A refused password costs nothing (no hash, no mail): it does not use up the limit.
    assertPasswordAllowed('password', input.password, {
      email: input.email,
      displayName: input.displayName,
    });
    await this.throttle.consume('register', { ip: client.ip, account: input.email });
    const passwordHash = await this.hasher.hash(input.password);
    try {
      await this.createAccount(input, passwordHash, client);
    } catch (error) {
      if (!(error instanceof ProblemException && error.problem.slug === 'email-taken')) throw error;
      await this.tellOwner(input.email, client);
    }
  }

  private async tellOwner(email: string, client: ClientInfo): Promise<void> {
    await this.db.transaction(async (manager) => {
      const owner = await this.users.findByEmail(email, manager);
      if (!owner) return;
      await this.mail.accountExists(manager, owner, randomUUID());
      await this.events.record({ type: 'register_existing', userId: owner.id, client }, manager);
    });
  }

  private async createAccount(
    input: RegisterDto,
    passwordHash: string,
    client: ClientInfo,
  ): Promise<void> {
    await this.db.transaction(async (manager) => {
      const created = await this.users.create(
        {
          email: input.email,
          displayName: input.displayName,
          passwordHash,
          locale: input.locale ? Intl.getCanonicalLocales(input.locale)[0] : undefined,
          timeZone: input.timeZone,
        },
        manager,
      );
      const { id, token } = await this.tokens.issue(
        manager,
        created.id,
        'email_verification',
        this.config.auth.emailVerificationTtlMs,
      );
      await this.mail.verification(manager, created, id, token);
      await this.events.record({ type: 'registered', userId: created.id, client }, manager);
    });
  }

  /**
   * Unknown email and wrong password give the same 401 after the same argon2 work. Failures
   * slow the account down exponentially (never a lockout); volume is capped per IP and account.
   */
  async login(input: LoginDto, client: ClientInfo): Promise<TokenResponseDto> {
    const account = input.email;
    const keys = { ip: client.ip ?? 'unknown', account };
    const allowed = await this.throttle.throttle.checkLogin(keys);
    if (!allowed.ok) {
      // The audit row names the account when there is one; the answer stays the same 429.
      const target = await this.users.findByEmail(account);
      await this.events.record({
        type: 'login_throttled',
        userId: target?.id ?? null,
        client,
        details: { scope: allowed.scope, retryAfterSeconds: allowed.retryAfterSeconds },
      });
      assertAllowed(allowed);
    }
    const user = await this.users.findByEmail(account);
    const valid = user?.passwordHash
      ? await this.hasher.verify(user.passwordHash, input.password)
      : await this.hasher.verifyAgainstDummy(input.password);
    if (!user || !valid) {
      const { consecutiveFailures } = await this.throttle.throttle.recordLoginFailure(keys);
      await this.events.record({
        type: 'login_failed',
        userId: user?.id ?? null,
        client,
        details: { reason: user ? 'wrong_password' : 'unknown_account', consecutiveFailures },
      });
      throw INVALID_CREDENTIALS();
    }
    if (user.status !== 'active') {
      throw new ProblemException({
        status: 403,
        slug: 'account-disabled',
        detail: 'This account is disabled.',
      });
    }
    if (!this.config.auth.allowUnverifiedLogin && user.emailVerifiedAt === null) {
      throw new ProblemException({
        status: 403,
        slug: 'email-not-verified',
        detail: 'Confirm your email address first (see POST /auth/email/resend).',
      });
    }
    if (allowed.failuresOnRecord > 0) await this.throttle.throttle.recordLoginSuccess(keys);
    if (this.hasher.needsRehash(user.passwordHash as string)) {
      await this.users.setPasswordHash(user.id, await this.hasher.hash(input.password));
    }
    const { sessionId, newClient, ...response } = await this.sessions.start(
      user,
      client,
      input.deviceName,
    );
    if (newClient) await this.alertNewClient(user, sessionId, client);
    return response;
  }

  /**
   * The "new sign-in" notification, after the session's own statement so that the common login
   * stays one statement. If it cannot be stored, the session is revoked and the login fails:
   * its tokens were never handed out, so no session goes unannounced.
   */
  private async alertNewClient(user: User, sessionId: string, client: ClientInfo) {
    try {
      await this.db.transaction((manager) =>
        this.mail.newLogin(manager, user, sessionId, client, this.clock.now()),
      );
    } catch (error) {
      await this.sessions.revoke([sessionId], 'login_aborted');
      throw error;
    }
  }

  async logout(principal: AuthPrincipal, client: ClientInfo): Promise<void> {
    await this.sessions.revoke([principal.sessionId], 'logout');
    await this.events.record({
      type: 'logout',
      userId: principal.userId,
      sessionId: principal.sessionId,
      client,
    });
  }

  async logoutAll(
    principal: AuthPrincipal,
    includeCurrent: boolean,
    client: ClientInfo,
  ): Promise<number> {
    const ids = await this.sessions.revokeAllOf(principal.userId, 'logout_all', {
      except: includeCurrent ? undefined : principal.sessionId,
    });
    await this.events.record({
      type: 'logout_all',
      userId: principal.userId,
      sessionId: principal.sessionId,
      client,
      details: { revokedSessions: ids.length, includeCurrent },
    });
    return ids.length;
  }

  /** Verifies a password of a signed-in user (change, delete), slowed down like a login. */
  async assertCurrentPassword(
    user: User,
    password: string,
    client: ClientInfo,
    field = 'currentPassword',
  ): Promise<void> {
    const keys = { ip: client.ip ?? 'unknown', account: user.email };
    const allowed = await this.throttle.throttle.checkLogin(keys);
    assertAllowed(allowed);
    if (user.passwordHash && (await this.hasher.verify(user.passwordHash, password))) {
      if (allowed.failuresOnRecord > 0) await this.throttle.throttle.recordLoginSuccess(keys);
      return;
    }
    await this.throttle.throttle.recordLoginFailure(keys);
    await this.events.record({
      type: 'login_failed',
      userId: user.id,
      client,
      details: { reason: 'wrong_current_password' },
    });
    throw new ProblemException({
      status: 403,
      slug: 'wrong-password',
      detail: 'The current password is incorrect.',
      errors: [{ field, message: 'The current password is incorrect.' }],
    });
  }
}
