import { Inject, Injectable } from '@nestjs/common';
import jwt from 'jsonwebtoken';
import { Clock } from '../common/clock.js';
import type { Role } from '../common/auth/auth-principal.js';
import { APP_CONFIG, type AppConfig } from '../config/index.js';
import { assuranceOf, type AssuranceLevel, type AuthMethod } from './domain/assurance.js';
import { JWT_ALGORITHM, JwtKeyRing, type JwtKey } from './jwt-keys.js';

export { JWT_ALGORITHM } from './jwt-keys.js';

export interface AccessTokenClaims {
  sub: string;
  sid: string;
  role: Role;
  amr: AuthMethod[];
  aal: AssuranceLevel;
  iss: string;
  aud: string;
  iat: number;
  exp: number;
}

export interface IssuedAccessToken {
  token: string;
  /** Seconds until it expires. */
  expiresIn: number;
}

/** Signs access tokens. Times come from the injected clock (tests move it). */
@Injectable()
export class AccessTokens {
  private readonly key: JwtKey;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {
    this.key = JwtKeyRing.of(config).signing;
  }

  /** Never outlives the session's absolute lifetime. */
  async issue(
    subject: { userId: string; sessionId: string; role: Role; amr: AuthMethod[] },
    sessionEndsAt: Date,
  ): Promise<IssuedAccessToken> {
    const now = Math.floor(this.clock.now().getTime() / 1000);
    const exp = Math.min(
      now + this.config.auth.accessTokenTtlSeconds,
      Math.floor(sessionEndsAt.getTime() / 1000),
    );
    // jsonwebtoken (the library that verifies them, through passport-jwt) signs synchronously;
    // jose imported the key into WebCrypto and queued the HMAC on libuv's pool on every call,
    // behind the argon2 verifications of concurrent logins. Claims in the order jose wrote them.
    const claims: AccessTokenClaims = {
      sid: subject.sessionId,
      role: subject.role,
      amr: subject.amr,
      aal: assuranceOf(subject.amr),
      sub: subject.userId,
      iss: this.config.auth.jwtIssuer,
      aud: this.config.auth.jwtAudience,
      iat: now,
      exp,
    };
    const token = jwt.sign(claims, this.key.key, {
      algorithm: JWT_ALGORITHM,
      keyid: this.key.kid,
    });
    return { token, expiresIn: Math.max(0, exp - now) };
  }
}
