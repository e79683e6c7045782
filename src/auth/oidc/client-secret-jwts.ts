import { Injectable } from '@nestjs/common';
import { importPKCS8, SignJWT } from 'jose';
import { Clock } from '../../common/clock.js';
import type { OidcProviderConfig } from '../../config/index.js';

/** Apple accepts up to 6 months; a day keeps a leaked secret short-lived. */
const LIFETIME_SECONDS = 24 * 60 * 60;
/** A cached secret is replaced this long before it expires. */
const RENEW_BEFORE_SECONDS = 60 * 60;

interface Signed {
  jwt: string;
  expiresAt: number;
}

/**
 * Client secrets that are JWTs we sign with the team's key (Apple): `iss` the team, `sub` the
 * client id, `aud` the issuer, ES256 with the key id in the header. Cached until near expiry.
 */
@Injectable()
export class ClientSecretJwts {
  private readonly cache = new Map<string, Signed>();

  constructor(private readonly clock: Clock) {}

  async secretFor(provider: OidcProviderConfig): Promise<string | null> {
    const settings = provider.clientSecretJwt;
    if (!settings) return provider.clientSecret;
    const now = Math.floor(this.clock.now().getTime() / 1000);
    const cached = this.cache.get(provider.name);
    if (cached && cached.expiresAt - RENEW_BEFORE_SECONDS > now) return cached.jwt;
    const expiresAt = now + LIFETIME_SECONDS;
    const jwt = await new SignJWT({})
      .setProtectedHeader({ alg: 'ES256', kid: settings.keyId })
      .setIssuer(settings.teamId)
      .setSubject(provider.clientIds[0] as string)
      .setAudience(provider.issuer)
      .setIssuedAt(now)
      .setExpirationTime(expiresAt)
      .sign(await importPKCS8(settings.privateKey, 'ES256'));
    this.cache.set(provider.name, { jwt, expiresAt });
    return jwt;
  }
}
