import { Inject, Injectable, Logger } from '@nestjs/common';
import * as oidc from 'openid-client';
import { APP_CONFIG, type AppConfig, type OidcProviderConfig } from '../../config/index.js';
import { oidcProviderUnavailable } from '../domain/auth.errors.js';
import { ClientSecretJwts } from './client-secret-jwts.js';

/** openid-client configurations (discovered once per provider) for the web flow. */
@Injectable()
export class OidcClients {
  private readonly logger = new Logger('oidc');
  private readonly configs = new Map<string, Promise<oidc.Configuration>>();
  /** The secret the next token request sends (a signed JWT may be renewed between requests). */
  private readonly secrets = new Map<string, string | null>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly secretJwts: ClientSecretJwts,
  ) {}

  /** The URL the provider sends the browser back to. */
  callbackUrl(provider: OidcProviderConfig): string {
    return `${this.config.oidc.callbackBaseUrl}/auth/oidc/${provider.name}/callback`;
  }

  of(provider: OidcProviderConfig): Promise<oidc.Configuration> {
    let found = this.configs.get(provider.name);
    if (!found) {
      found = this.discover(provider);
      found.catch(() => this.configs.delete(provider.name));
      this.configs.set(provider.name, found);
    }
    return found;
  }

  /** The configuration for a code exchange, its client secret current. */
  async forTokenRequest(provider: OidcProviderConfig): Promise<oidc.Configuration> {
    const config = await this.of(provider);
    this.secrets.set(provider.name, await this.secretJwts.secretFor(provider));
    return config;
  }

  private async discover(provider: OidcProviderConfig): Promise<oidc.Configuration> {
    const [clientId] = provider.clientIds as [string];
    try {
      return await oidc.discovery(
        new URL(provider.issuer),
        clientId,
        undefined,
        provider.clientSecret || provider.clientSecretJwt ? this.secretPost(provider) : oidc.None(),
        {
          // Configuration allows plain HTTP only for a loopback issuer outside production (tests).
          // eslint-disable-next-line @typescript-eslint/no-deprecated -- marked to stand out, as here
          execute: provider.issuer.startsWith('http:') ? [oidc.allowInsecureRequests] : [],
          timeout: 5,
        },
      );
    } catch (error) {
      this.logger.warn({ provider: provider.name, err: error }, 'OpenID discovery failed');
      throw oidcProviderUnavailable();
    }
  }

  /** client_secret_post with the secret of the moment (openid-client's takes a fixed one). */
  private secretPost(provider: OidcProviderConfig): oidc.ClientAuth {
    return (_as, client, body) => {
      body.set('client_id', client.client_id);
      body.set('client_secret', this.secrets.get(provider.name) ?? provider.clientSecret ?? '');
    };
  }
}
