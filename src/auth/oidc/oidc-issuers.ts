import { Inject, Injectable, Logger } from '@nestjs/common';
import { createLocalJWKSet, errors, type JSONWebKeySet, type JWTHeaderParameters } from 'jose';
import { Clock } from '../../common/clock.js';
import { APP_CONFIG, type AppConfig, type OidcProviderConfig } from '../../config/index.js';
import { oidcProviderNotFound, oidcProviderUnavailable } from '../domain/auth.errors.js';

/** The part of an issuer's discovery document we use. */
export interface IssuerMetadata {
  issuer: string;
  jwks_uri: string;
  authorization_endpoint?: string;
  token_endpoint?: string;
}

/** A key for one token header (jose's key resolver shape). */
export type KeyResolver = (
  header: JWTHeaderParameters,
) => Promise<Awaited<ReturnType<ReturnType<typeof createLocalJWKSet>>>>;

const FETCH_TIMEOUT_MS = 5_000;
/** An unknown `kid` refetches the JWKS at most this often: junk tokens cannot hammer the issuer. */
export const JWKS_REFETCH_COOLDOWN_MS = 30_000;
/** Keys the issuer withdrew stop working within this long. */
const JWKS_MAX_AGE_MS = 60 * 60_000;

interface KeyCache {
  keys: ReturnType<typeof createLocalJWKSet>;
  fetchedAt: number;
}

/**
 * The configured OpenID providers: discovery documents (fetched once) and their signing keys
 * (cached, refetched when a token names an unknown `kid`, at most once per cooldown).
 */
@Injectable()
export class OidcIssuers {
  private readonly logger = new Logger('oidc');
  private readonly metadata = new Map<string, Promise<IssuerMetadata>>();
  private readonly keys = new Map<string, KeyCache>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  /** The provider's configuration; `oidc-provider-not-found` for a name not configured. */
  provider(name: string): OidcProviderConfig {
    const found = this.config.oidc.providers.find((p) => p.name === name);
    if (!found) throw oidcProviderNotFound();
    return found;
  }

  discover(provider: OidcProviderConfig): Promise<IssuerMetadata> {
    let found = this.metadata.get(provider.name);
    if (!found) {
      found = this.fetchMetadata(provider);
      // A failed discovery is retried on the next request, not cached.
      found.catch(() => this.metadata.delete(provider.name));
      this.metadata.set(provider.name, found);
    }
    return found;
  }

  /** Resolves the verification key of a token header for jose's `jwtVerify`. */
  keyResolver(provider: OidcProviderConfig): KeyResolver {
    return async (header) => {
      let cache = await this.cachedKeys(provider);
      try {
        return await cache.keys(header);
      } catch (error) {
        const stale = this.clock.now().getTime() - cache.fetchedAt >= JWKS_REFETCH_COOLDOWN_MS;
        if (!(error instanceof errors.JWKSNoMatchingKey) || !stale) throw error;
        cache = await this.refetch(provider);
        return cache.keys(header);
      }
    };
  }

  private async cachedKeys(provider: OidcProviderConfig): Promise<KeyCache> {
    const cache = this.keys.get(provider.name);
    if (cache && this.clock.now().getTime() - cache.fetchedAt < JWKS_MAX_AGE_MS) return cache;
    return this.refetch(provider);
  }

  private async refetch(provider: OidcProviderConfig): Promise<KeyCache> {
    const { jwks_uri } = await this.discover(provider);
    const jwks = await this.fetchJson<JSONWebKeySet>(jwks_uri);
    if (!Array.isArray(jwks.keys)) throw oidcProviderUnavailable();
    const cache = { keys: createLocalJWKSet(jwks), fetchedAt: this.clock.now().getTime() };
    this.keys.set(provider.name, cache);
    return cache;
  }

  private async fetchMetadata(provider: OidcProviderConfig): Promise<IssuerMetadata> {
    const doc = await this.fetchJson<IssuerMetadata>(
      `${provider.issuer}/.well-known/openid-configuration`,
    );
    // OpenID Connect Discovery §4.3: the document must name the issuer it was fetched from.
    if (doc.issuer !== provider.issuer || typeof doc.jwks_uri !== 'string') {
      this.logger.warn({ provider: provider.name, issuer: doc.issuer }, 'bad discovery document');
      throw oidcProviderUnavailable();
    }
    return doc;
  }

  private async fetchJson<T>(url: string): Promise<T> {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
      if (!res.ok) throw new Error(`${url} answered ${res.status}`);
      return (await res.json()) as T;
    } catch (error) {
      this.logger.warn({ url, err: error }, 'OpenID provider fetch failed');
      throw oidcProviderUnavailable();
    }
  }
}
