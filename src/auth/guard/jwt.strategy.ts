import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy, type StrategyOptionsWithoutRequest } from 'passport-jwt';
import { Clock } from '../../common/clock.js';
import type { AuthPrincipal, Role } from '../../common/auth/auth-principal.js';
import { isUuid } from '../../common/uuid.js';
import { APP_CONFIG, type AppConfig } from '../../config/index.js';
import { JWT_ALGORITHM, JwtKeyRing, jwtHeader } from '../jwt-keys.js';
import { assuranceOf, parseAmr } from '../domain/assurance.js';
import { SessionCache } from '../session-cache.js';

const ROLES: readonly Role[] = ['user', 'admin'];

/**
 * The key is the one the token's `kid` names (JwtKeyRing: an unknown `kid` fails, so 401).
 * passport-jwt checks the signature (HS256 only, so `alg: none` and RS/HS confusion fail),
 * `iss` and `aud`; `exp` is checked here against the injected clock, then the session must be
 * live (one Redis round trip). A falsy return makes passport answer 401.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly clock: Clock,
    private readonly sessions: SessionCache,
  ) {
    const keys = JwtKeyRing.of(config);
    const options: StrategyOptionsWithoutRequest = {
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKeyProvider: (_request, rawJwtToken: string, done) => {
        const header = jwtHeader(rawJwtToken);
        const key = header ? keys.verificationKey(header) : null;
        if (!key) return done(new Error('unknown signing key'));
        // @types/passport-jwt says string | Buffer; passport-jwt hands it to jsonwebtoken, which
        // accepts a KeyObject (stack-facts §5) and verifies far faster with one.
        done(null, key as unknown as Buffer);
      },
      algorithms: [JWT_ALGORITHM],
      issuer: config.auth.jwtIssuer,
      audience: config.auth.jwtAudience,
      // jsonwebtoken reads the wall clock; expiry is decided in validate() with the Clock.
      ignoreExpiration: true,
    };
    super(options);
  }

  async validate(payload: Record<string, unknown>): Promise<AuthPrincipal | false> {
    const { sub, sid, role, exp } = payload;
    const amr = parseAmr(payload.amr);
    if (typeof sub !== 'string' || !isUuid(sub)) return false;
    if (typeof sid !== 'string' || !isUuid(sid)) return false;
    if (typeof role !== 'string' || !ROLES.includes(role as Role)) return false;
    if (!amr) return false;
    if (typeof exp !== 'number' || exp * 1000 <= this.clock.now().getTime()) return false;
    if (!(await this.sessions.isActive(sid, sub))) return false;
    // The level follows from amr (never trusted from its own claim): one rule, in domain/.
    return { userId: sub, sessionId: sid, role: role as Role, amr, aal: assuranceOf(amr) };
  }
}
