import { Injectable, Logger } from '@nestjs/common';
import { Redis } from 'ioredis';
import { jwtVerify, type JWTPayload } from 'jose';
import { Clock } from '../../common/clock.js';
import type { OidcProviderConfig } from '../../config/index.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { invalidIdToken } from '../domain/auth.errors.js';
import {
  authorizedPartyAllowed,
  claimsOf,
  ID_TOKEN_CLOCK_SKEW_SECONDS,
  nonceMatches,
  type OidcIdentityClaims,
} from '../domain/oidc-rules.js';
import { hashToken } from '../domain/tokens.js';
import { OidcIssuers } from './oidc-issuers.js';

/** Asymmetric algorithms only: an `HS256` token "signed" with a public key is a classic forgery. */
const ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'EdDSA',
];
/** No provider issues id tokens longer-lived than this (Google: 1 h, Apple: 10 min). */
const MAX_TOKEN_AGE_SECONDS = 60 * 60;

/**
 * Verifies id tokens that native apps obtained from a provider's SDK, each accepted once: the
 * signature against the issuer's keys, `iss`, `aud` among our client ids (and `azp` for several), the times, the nonce.
 */
@Injectable()
export class IdTokens {
  private readonly logger = new Logger('oidc');

  constructor(
    private readonly issuers: OidcIssuers,
    private readonly redis: Redis,
    private readonly clock: Clock,
  ) {}

  /** The verified claims; `invalid-id-token` for any reason, and for a token seen before. */
  async verifyOnce(
    provider: OidcProviderConfig,
    idToken: string,
    rawNonce: string | undefined,
  ): Promise<OidcIdentityClaims> {
    const payload = await this.verify(provider, idToken);
    if ((payload.sub ?? '').length > 255) this.refuse(provider, 'subject_too_long');
    if (!authorizedPartyAllowed(payload.aud, payload.azp, provider.clientIds)) {
      this.refuse(provider, 'azp');
    }
    if (!nonceMatches(rawNonce, payload.nonce)) this.refuse(provider, 'nonce');
    await this.markUsed(idToken, payload);
    return claimsOf(payload);
  }

  private async verify(provider: OidcProviderConfig, idToken: string): Promise<JWTPayload> {
    await this.issuers.discover(provider);
    try {
      const { payload } = await jwtVerify(idToken, this.issuers.keyResolver(provider), {
        issuer: provider.issuer,
        audience: provider.clientIds,
        algorithms: ALGORITHMS,
        clockTolerance: ID_TOKEN_CLOCK_SKEW_SECONDS,
        maxTokenAge: MAX_TOKEN_AGE_SECONDS,
        currentDate: this.clock.now(),
        requiredClaims: ['sub', 'exp', 'iat'],
      });
      return payload;
    } catch (error) {
      // An unreachable issuer is a 503, not the caller's fault.
      if (error instanceof DomainError) throw error;
      return this.refuse(provider, (error as { code?: string }).code ?? 'malformed');
    }
  }

  /** Remembers the token until it expires; a second presentation is refused (SET NX). */
  private async markUsed(idToken: string, payload: JWTPayload): Promise<void> {
    const ttlMs = Math.max(
      1_000,
      ((payload.exp ?? 0) + ID_TOKEN_CLOCK_SKEW_SECONDS) * 1000 - this.clock.now().getTime(),
    );
    const first = await this.redis.set(`oidc:seen:${hashToken(idToken)}`, '1', 'PX', ttlMs, 'NX');
    if (first !== 'OK') {
      this.logger.warn({ reason: 'replayed' }, 'id token refused');
      throw invalidIdToken();
    }
  }

  private refuse(provider: OidcProviderConfig, reason: string): never {
    this.logger.warn({ provider: provider.name, reason }, 'id token refused');
    throw invalidIdToken();
  }
}
