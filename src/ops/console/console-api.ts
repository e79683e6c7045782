import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { Router, type NextFunction, type Request, type Response } from 'express';
import { Redis } from 'ioredis';
import { clientInfoOf, DelegatedSessions, type DelegatedSession } from '../../auth/index.js';
import { Clock } from '../../common/clock.js';
import { APP_CONFIG, type AppConfig } from '../../config/index.js';
import { ProblemException } from '../../http/problem.exception.js';
import { readCookie } from '../queue-dashboard.js';
import { ConsoleVault, type ConsoleRecord } from './console-vault.js';
import { isSameOrigin, isUnsafeMethod } from './same-origin.js';

export const CONSOLE_PATH = '/admin';
export const CONSOLE_API_PATH = '/admin/api';
export const CONSOLE_COOKIE = 'admin_session';
/** Console requests to the REST API: `/admin/api/v1/users` runs `/api/v1/users`. */
const FORWARDED = `${CONSOLE_API_PATH}/v1/`;
/** Refresh the access token this long before it expires, so a forwarded request never races it. */
const REFRESH_MARGIN_MS = 30_000;
/** A console session lives at most half a day, however long the API's sessions may live. */
const MAX_CONSOLE_TTL_SECONDS = 12 * 3600;

type Handler = (req: Request, res: Response) => Promise<void>;

/**
 * The console's backend-for-frontend. The browser holds only a random id in an
 * `HttpOnly; Secure; SameSite=Strict` cookie scoped to /admin; the API's tokens stay in the
 * vault. `/admin/api/session` signs in and out through auth's own use cases; every
 * `/admin/api/v1/*` request is handed to the REST API's own route (`/api/v1/*`) with the bearer
 * token injected, so the console has exactly the powers the API gives an admin and no others.
 * Unsafe requests need the session's CSRF token and a same-origin browser.
 */
export function mountConsoleApi(app: INestApplication): void {
  const config = app.get<AppConfig>(APP_CONFIG, { strict: false });
  const ttl = Math.min(MAX_CONSOLE_TTL_SECONDS, config.auth.session.absoluteLifetimeMs / 1000);
  const api = new ConsoleApi(
    app.get(DelegatedSessions, { strict: false }),
    new ConsoleVault(app.get(Redis, { strict: false }), ttl),
    app.get(Clock, { strict: false }),
    ttl,
  );
  const router = Router();
  router.use(api.guardOrigin);
  router.post('/session', wrap(api.signIn));
  router.get('/session', wrap(api.whoAmI));
  router.delete('/session', wrap(api.signOut));
  router.post('/session/mfa', wrap(api.confirmMfaEnrolment));
  // Unmounted, so that the rewritten URL stays rewritten for the routes after it.
  app.use(api.forward);
  app.use(CONSOLE_API_PATH, router);
}

function wrap(handler: Handler) {
  return (req: Request, res: Response, next: NextFunction): void => {
    handler(req, res).catch(next);
  };
}

class ConsoleApi {
  constructor(
    private readonly sessions: DelegatedSessions,
    private readonly vault: ConsoleVault,
    private readonly clock: Clock,
    private readonly ttlSeconds: number,
  ) {}

  /** Login CSRF too: even signing in must come from the console's own page. */
  readonly guardOrigin = (req: Request, _res: Response, next: NextFunction): void => {
    if (!isUnsafeMethod(req.method)) return next();
    const fetchSite = req.headers['sec-fetch-site'];
    const origin = req.headers.origin;
    const self = `${req.protocol}://${req.get('host') ?? ''}`;
    if (isSameOrigin({ fetchSite: one(fetchSite), origin: one(origin), self })) return next();
    next(forbidden('cross-site-request', 'Console requests must come from the console itself.'));
  };

  readonly signIn = async (req: Request, res: Response): Promise<void> => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const client = clientInfoOf(req);
    let session: DelegatedSession;
    if (typeof body.mfaToken === 'string' && typeof body.code === 'string') {
      session = await this.sessions.completeMfa(body.mfaToken, body.code.slice(0, 64), client);
    } else {
      const email = boundedString(body.email, 254, 'email and password');
      const password = boundedString(body.password, 1024, 'email and password');
      const outcome = await this.sessions.signIn(email, password, client);
      if (outcome.kind === 'mfa-required') {
        res
          .status(200)
          .json({ mfaRequired: true, mfaToken: outcome.mfaToken, methods: outcome.methods });
        return;
      }
      session = outcome.session;
    }
    if (session.role !== 'admin') {
      // Not an operator: the session the password opened ends at once.
      await this.sessions.end(session, client);
      throw forbidden('console-admins-only', 'Only administrators may use the console.');
    }
    const id = ConsoleVault.newId();
    const record = this.recordOf(session, randomBytes(32).toString('base64url'));
    await this.vault.save(id, record);
    res.cookie(CONSOLE_COOKIE, id, {
      httpOnly: true,
      secure: true,
      sameSite: 'strict',
      path: CONSOLE_PATH,
      maxAge: this.ttlSeconds * 1000,
    });
    res.status(201).json(await this.whoAmIOf(record));
  };

  readonly whoAmI = async (req: Request, res: Response): Promise<void> => {
    const { record } = await this.current(req);
    res.setHeader('Cache-Control', 'no-store');
    res.json(await this.whoAmIOf(record));
  };

  /**
   * The enrolment's last step for a console session: the app's first code (after POST
   * /admin/api/v1/auth/mfa/totp gave the secret) turns MFA on, and the held session continues at
   * aal2 with its new access token, so the admin goes on without signing in again. The recovery
   * codes are answered this once, as by POST /auth/mfa/totp/verify.
   */
  readonly confirmMfaEnrolment = async (req: Request, res: Response): Promise<void> => {
    const { id, record } = await this.current(req);
    checkCsrf(req, record);
    const code = boundedString((req.body as Record<string, unknown> | undefined)?.code, 64, 'code');
    const { session, recoveryCodes } = await this.sessions.confirmTotpEnrolment(
      record.session,
      code,
      clientInfoOf(req),
    );
    const next = this.recordOf(session, record.csrfToken);
    await this.vault.save(id, next);
    res.setHeader('Cache-Control', 'no-store');
    res.json({ recoveryCodes, session: await this.whoAmIOf(next) });
  };

  readonly signOut = async (req: Request, res: Response): Promise<void> => {
    const id = readCookie(req.headers.cookie, CONSOLE_COOKIE);
    const record = await this.vault.load(id);
    if (id && record) {
      checkCsrf(req, record);
      await this.vault.drop(id);
      await this.sessions.end(record.session, clientInfoOf(req)).catch(() => undefined);
    }
    res.clearCookie(CONSOLE_COOKIE, {
      path: CONSOLE_PATH,
      httpOnly: true,
      secure: true,
      sameSite: 'strict',
    });
    res.status(204).end();
  };

  /** `/admin/api/v1/*` → `/api/v1/*` as this admin; Nest's router then runs the real route. */
  readonly forward = (req: Request, res: Response, next: NextFunction): void => {
    if (!req.url.startsWith(FORWARDED)) return next();
    this.guardOrigin(req, res, (err?: unknown) => {
      if (err) return next(err);
      this.current(req)
        .then(({ record }) => {
          if (isUnsafeMethod(req.method)) checkCsrf(req, record);
          req.headers.authorization = `Bearer ${record.session.accessToken}`;
          req.url = req.url.slice(CONSOLE_PATH.length);
          next();
        })
        .catch(next);
    });
  };

  /** The browser's console session, its API session still live, with a fresh access token. */
  private async current(req: Request): Promise<{ id: string; record: ConsoleRecord }> {
    const id = readCookie(req.headers.cookie, CONSOLE_COOKIE);
    const record = await this.vault.load(id);
    if (!id || !record) throw signedOut();
    if (!(await this.sessions.isActive(record.session))) {
      // Revoked by an admin, by logout-all or by expiry: the console session ends with it.
      await this.vault.drop(id);
      throw signedOut();
    }
    if (this.clock.now().getTime() < record.refreshAfter) return { id, record };
    const refreshed = await this.sessions
      .refresh(record.session.refreshToken, clientInfoOf(req))
      .catch(async () => {
        await this.vault.drop(id);
        throw signedOut();
      });
    const next = this.recordOf(refreshed, record.csrfToken);
    await this.vault.save(id, next);
    return { id, record: next };
  }

  private async whoAmIOf(record: ConsoleRecord) {
    const { userId, email, role } = record.session;
    const mfaEnrolmentRequired = await this.sessions.needsMfaEnrolment(record.session);
    return { user: { id: userId, email, role }, csrfToken: record.csrfToken, mfaEnrolmentRequired };
  }

  private recordOf(session: DelegatedSession, csrfToken: string): ConsoleRecord {
    const refreshAfter = this.clock.now().getTime() + session.expiresIn * 1000 - REFRESH_MARGIN_MS;
    return { session, csrfToken, refreshAfter };
  }
}

function checkCsrf(req: Request, record: ConsoleRecord): void {
  const given = Buffer.from(one(req.headers['x-csrf-token']) ?? '');
  const expected = Buffer.from(record.csrfToken);
  if (given.length === expected.length && timingSafeEqual(given, expected)) return;
  throw forbidden('csrf-token-invalid', 'Missing or wrong X-CSRF-Token: reload the console.');
}

function boundedString(value: unknown, max: number, names: string): string {
  if (typeof value === 'string' && value.length > 0 && value.length <= max) return value;
  throw new ProblemException({
    status: 400,
    slug: 'validation-failed',
    detail: `${names}: required, as strings.`,
  });
}

function one(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function forbidden(slug: string, detail: string): ProblemException {
  return new ProblemException({ status: 403, slug, detail });
}

function signedOut(): ProblemException {
  return new ProblemException({
    status: 401,
    slug: 'unauthenticated',
    detail: 'No console session: sign in again.',
  });
}
