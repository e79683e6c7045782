import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock } from '../common/clock.js';
import { APP_CONFIG, type AppConfig } from '../config/index.js';
import { generateOpaqueToken, hashToken } from './domain/tokens.js';
import type { AuthToken, TokenPurpose } from './entities/auth-token.entity.js';
import { AuthTokensRepository } from './repositories/auth-tokens.repository.js';

/** Single-use mailed tokens (256-bit, stored as SHA-256), always inside the caller's transaction. */
@Injectable()
export class OneTimeTokens {
  constructor(
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly tokens: AuthTokensRepository,
  ) {}

  /** The user a still-valid token belongs to, without using it up. */
  async peekUserId(token: string, purpose: TokenPurpose): Promise<string | null> {
    const row = await this.tokens.findUnused(hashToken(token), purpose);
    return row && row.expiresAt.getTime() > this.clock.now().getTime() ? row.userId : null;
  }

  /** A new token, valid for the configured lifetime of its purpose. */
  async issue(
    manager: EntityManager,
    userId: string,
    purpose: TokenPurpose,
  ): Promise<{ id: string; token: string }> {
    const token = generateOpaqueToken();
    const row = await this.tokens.insert(manager, {
      userId,
      purpose,
      tokenHash: hashToken(token),
      expiresAt: new Date(this.clock.now().getTime() + this.ttlMs(purpose)),
    });
    return { id: row.id, token };
  }

  /** Marks the token used and returns it, or null when unknown, used, expired or of another purpose. */
  async consume(
    manager: EntityManager,
    token: string,
    purpose: TokenPurpose,
  ): Promise<AuthToken | null> {
    const row = await this.tokens.findUnusedForUpdate(manager, hashToken(token), purpose);
    const now = this.clock.now();
    if (!row || row.expiresAt.getTime() <= now.getTime()) return null;
    await this.tokens.markUsed(manager, row.id, now);
    return row;
  }

  /** Voids every unused token of this purpose (a newer one was sent, or the password changed). */
  async voidAll(manager: EntityManager, userId: string, purpose: TokenPurpose): Promise<void> {
    await this.tokens.markAllUsed(manager, userId, purpose, this.clock.now());
  }

  private ttlMs(purpose: TokenPurpose): number {
    return purpose === 'email_verification'
      ? this.config.auth.emailVerificationTtlMs
      : this.config.auth.passwordResetTtlMs;
  }
}
