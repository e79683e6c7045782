import { Inject, Injectable, Logger } from '@nestjs/common';
import { Redis } from 'ioredis';
import * as oidc from 'openid-client';
import { DomainError } from '../../common/errors/domain-error.js';
import { APP_CONFIG, type AppConfig, type OidcProviderConfig } from '../../config/index.js';
import { AuthThrottle } from '../auth-throttle.js';
import type { ClientInfo } from '../client-info.js';
import { invalidIdToken, invalidOidcState, redirectUriNotAllowed } from '../domain/auth.errors.js';
import { claimsOf, formPostUserName } from '../domain/oidc-rules.js';
import { OidcAccounts } from './oidc-accounts.js';
import { OidcClients } from './oidc-clients.js';
import { OidcIssuers } from './oidc-issuers.js';
import { SignInCodes } from './sign-in-codes.js';

const STATE_TTL_MS = 10 * 60_000;

interface PendingAuthorization {
  provider: string;
  codeVerifier: string;
  nonce: string;
  redirectUri: string;
}

/**
 * Browsers: authorization code + PKCE. The state, nonce and PKCE verifier wait in Redis (single
 * use, 10 minutes); the callback hands the app a one-time code in the URL fragment, never tokens.
 */
@Injectable()
export class OidcWebService {
  private readonly logger = new Logger('oidc');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly issuers: OidcIssuers,
    private readonly clients: OidcClients,
    private readonly accounts: OidcAccounts,
    private readonly codes: SignInCodes,
    private readonly redis: Redis,
    private readonly throttle: AuthThrottle,
  ) {}

  /** The provider's authorization URL to redirect the browser to. */
  async authorize(
    providerName: string,
    redirectUri: string | undefined,
    client: ClientInfo,
  ): Promise<string> {
    const provider = this.issuers.provider(providerName);
    if (!redirectUri || !this.config.oidc.redirectUris.includes(redirectUri)) {
      throw redirectUriNotAllowed();
    }
    // Each start stores a pending attempt: bounded per IP like a sign-in (the callback, which
    // needs one of them, is then bounded too).
    await this.throttle.consume('login', { ip: client.ip });
    const oidcClient = await this.clients.of(provider);
    const pending: PendingAuthorization = {
      provider: provider.name,
      codeVerifier: oidc.randomPKCECodeVerifier(),
      nonce: oidc.randomNonce(),
      redirectUri,
    };
    const state = oidc.randomState();
    await this.redis.set(`oidc:state:${state}`, JSON.stringify(pending), 'PX', STATE_TTL_MS);
    const url = oidc.buildAuthorizationUrl(oidcClient, {
      redirect_uri: this.clients.callbackUrl(provider),
      scope: 'openid email profile',
      state,
      nonce: pending.nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(pending.codeVerifier),
      code_challenge_method: 'S256',
      ...(provider.responseMode === 'form_post' ? { response_mode: 'form_post' } : {}),
    });
    return url.href;
  }

  /**
   * Where to send the browser after the provider's redirect (query) or form post: the app, with a
   * one-time code.
   */
  async callback(
    providerName: string,
    query: URLSearchParams,
    client: ClientInfo,
  ): Promise<string> {
    const provider = this.issuers.provider(providerName);
    const state = query.get('state') ?? '';
    const raw = state ? await this.redis.getdel(`oidc:state:${state}`) : null;
    const pending = raw ? (JSON.parse(raw) as PendingAuthorization) : null;
    if (!pending || pending.provider !== provider.name) throw invalidOidcState();
    const error = query.get('error');
    // Past a valid state the browser always goes back to the app, with a code or an error.
    if (error) return withFragment(pending.redirectUri, { error: error.replace(/[^a-z_]/g, '') });
    try {
      const user = await this.finish(provider, state, pending, query, client);
      return withFragment(pending.redirectUri, { code: await this.codes.issue(user.id) });
    } catch (failure) {
      if (!(failure instanceof DomainError)) throw failure;
      return withFragment(pending.redirectUri, { error: failure.code });
    }
  }

  private async finish(
    provider: OidcProviderConfig,
    state: string,
    pending: PendingAuthorization,
    query: URLSearchParams,
    client: ClientInfo,
  ) {
    // A form post's fields are checked like a redirect's query (openid-client reads the URL's).
    const currentUrl = new URL(`${this.clients.callbackUrl(provider)}?${query.toString()}`);
    const tokens = await oidc
      .authorizationCodeGrant(await this.clients.forTokenRequest(provider), currentUrl, {
        pkceCodeVerifier: pending.codeVerifier,
        expectedState: state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      })
      .catch((err: unknown) => {
        this.logger.warn({ provider: provider.name, err }, 'code exchange refused');
        throw invalidIdToken();
      });
    const claims = claimsOf(tokens.claims() as Record<string, unknown>);
    const name = claims.name ?? formPostUserName(query.get('user'));
    return this.accounts.resolve(provider.name, { ...claims, name }, client);
  }
}

function withFragment(uri: string, values: Record<string, string>): string {
  const url = new URL(uri);
  url.hash = new URLSearchParams(values).toString();
  return url.href;
}
