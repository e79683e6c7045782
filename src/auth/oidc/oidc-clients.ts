import { Inject, Injectable, Logger } from '@nestjs/common';
import * as oidc from 'openid-client';
import { APP_CONFIG, type AppConfig, type OidcProviderConfig } from '../../config/index.js';
import { oidcProviderUnavailable } from '../domain/auth.errors.js';

/** openid-client configurations (discovered once per provider) for the web flow. */
@Injectable()
export class OidcClients {
  private readonly logger = new Logger('oidc');
  private readonly configs = new Map<string, Promise<oidc.Configuration>>();

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

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

  private async discover(provider: OidcProviderConfig): Promise<oidc.Configuration> {
    const [clientId] = provider.clientIds as [string];
    try {
      return await oidc.discovery(
        new URL(provider.issuer),
        clientId,
        undefined,
        provider.clientSecret ? oidc.ClientSecretPost(provider.clientSecret) : oidc.None(),
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
}
