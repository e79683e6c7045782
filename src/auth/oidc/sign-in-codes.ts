import { Injectable } from '@nestjs/common';
import { Redis } from 'ioredis';
import { generateOpaqueToken, hashToken } from '../domain/tokens.js';

/** The app trades the code right after the redirect. */
const CODE_TTL_MS = 60_000;

/**
 * One-time codes the web flow's callback puts in the app's URL fragment: each names a user whose
 * sign-in finished at the provider, and is traded once for a session. Stored hashed.
 */
@Injectable()
export class SignInCodes {
  constructor(private readonly redis: Redis) {}

  async issue(userId: string): Promise<string> {
    const code = generateOpaqueToken();
    await this.redis.set(`oidc:code:${hashToken(code)}`, userId, 'PX', CODE_TTL_MS);
    return code;
  }

  /** The user the code names, once; null for an unknown, expired or used code. */
  take(code: string): Promise<string | null> {
    return this.redis.getdel(`oidc:code:${hashToken(code)}`);
  }
}
