export { loadConfig, loadConfigFromEnv } from './app-config.js';
export { DEVELOPMENT_JWT_SECRET } from './auth.config.js';
export { DEVELOPMENT_MFA_KEY } from './mfa.config.js';
export type { AppConfig, AppRole, DatabaseTimeouts, NodeEnv } from './app-config.js';
export { ConfigError } from './config.error.js';
export type { OidcProviderConfig } from './oidc.config.js';
export type { PgTls } from './database.config.js';
export type { RedisSentinelConfig } from './redis.config.js';
export { APP_CONFIG, ConfigModule } from './config.module.js';
