// The auth module's public API: other modules import auth only from here.
export { AuthModule } from './auth.module.js';
export { SessionCache } from './session-cache.js';
