// The auth module's public API: other modules import auth only from here.
export { AuthModule } from './auth.module.js';
export { SessionCache } from './session-cache.js';
export {
  DelegatedSessions,
  type DelegatedSession,
  type DelegatedSignIn,
} from './delegated-sessions.js';
export { clientInfoOf, type ClientInfo } from './client-info.js';
