/**
 * Experiment (BENCH_PATCH=bench/experiments/me-hot-path.mjs): measures the hot-path changes
 * proposed for src/auth and src/users WITHOUT touching them: it rewrites the run's private copy
 * of dist/ only.
 * AuthGuard: verify the HS256 access token directly (node:crypto HMAC with the KeyObject,
 * timingSafeEqual, iss/aud checks) instead of running the passport-jwt strategy (jsonwebtoken),
 * then the same JwtStrategy.validate() (claims, expiry with the Clock, the one Redis GET).
 * What landed from it: the guard runs the strategy without passport's middleware
 * (src/auth/run-strategy.ts), and UsersRepository.findView reads /users/me with one raw SELECT.
 */
import { join } from 'node:path';
import { patch } from './patch.mjs';

export function apply(dist) {
  const guard = join(dist, 'src/auth/auth.guard.js');
  patch(
    guard,
    `import { runStrategy } from './run-strategy.js';`,
    `import { createHmac, createSecretKey, timingSafeEqual } from 'node:crypto';
const KEY = createSecretKey(Buffer.from(process.env.JWT_SECRET, 'utf8'));
const ISS = process.env.JWT_ISSUER ?? 'app-backend';
const AUD = process.env.JWT_AUDIENCE ?? 'app-api';
function verifyHs256(token) {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  const [h, p, s] = parts;
  try {
    if (JSON.parse(Buffer.from(h, 'base64url').toString()).alg !== 'HS256') return null;
    const mac = createHmac('sha256', KEY).update(h + '.' + p).digest();
    const sig = Buffer.from(s, 'base64url');
    if (sig.length !== mac.length || !timingSafeEqual(sig, mac)) return null;
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
    if (payload.iss !== ISS) return null;
    if (payload.aud !== AUD && !(Array.isArray(payload.aud) && payload.aud.includes(AUD))) return null;
    return payload;
  } catch {
    return null;
  }
}`,
  );
  patch(
    guard,
    `        const principal = authenticated(await runStrategy(this.strategy, req));`,
    `        const header = req.headers.authorization;
        const payload = typeof header === 'string' && header.startsWith('Bearer ') ? verifyHs256(header.slice(7)) : null;
        let outcome = { error: null, user: false };
        if (payload) {
            try { outcome.user = await this.strategy.validate(payload); } catch (e) { outcome = { error: e, user: false }; }
        }
        const principal = authenticated(outcome);`,
  );
}
