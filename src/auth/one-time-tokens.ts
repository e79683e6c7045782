import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, IsNull, Repository } from 'typeorm';
import { Clock } from '../common/clock.js';
import { generateOpaqueToken, hashToken } from './domain/tokens.js';
import { AuthToken, type TokenPurpose } from './entities/auth-token.entity.js';

/** Single-use mailed tokens (256-bit, stored as SHA-256), always inside the caller's transaction. */
@Injectable()
export class OneTimeTokens {
  constructor(
    private readonly clock: Clock,
    @InjectRepository(AuthToken) private readonly tokens: Repository<AuthToken>,
  ) {}

  /** The user a still-valid token belongs to, without using it up. */
  async peekUserId(token: string, purpose: TokenPurpose): Promise<string | null> {
    const row = await this.tokens.findOne({
      where: { tokenHash: hashToken(token), purpose, usedAt: IsNull() },
    });
    return row && row.expiresAt.getTime() > this.clock.now().getTime() ? row.userId : null;
  }

  async issue(
    manager: EntityManager,
    userId: string,
    purpose: TokenPurpose,
    ttlMs: number,
  ): Promise<{ id: string; token: string }> {
    const token = generateOpaqueToken();
    const row = await manager.getRepository(AuthToken).save(
      manager.getRepository(AuthToken).create({
        userId,
        purpose,
        tokenHash: hashToken(token),
        expiresAt: new Date(this.clock.now().getTime() + ttlMs),
        usedAt: null,
      }),
    );
    return { id: row.id, token };
  }

  /** Marks the token used and returns it, or null when unknown, used, expired or of another purpose. */
  async consume(
    manager: EntityManager,
    token: string,
    purpose: TokenPurpose,
  ): Promise<AuthToken | null> {
    const repo = manager.getRepository(AuthToken);
    const row = await repo.findOne({
      where: { tokenHash: hashToken(token), purpose, usedAt: IsNull() },
      lock: { mode: 'pessimistic_write' },
    });
    const now = this.clock.now();
    if (!row || row.expiresAt.getTime() <= now.getTime()) return null;
    await repo.update({ id: row.id }, { usedAt: now });
    return row;
  }

  /** Voids every unused token of this purpose (a newer one was sent, or the password changed). */
  async voidAll(manager: EntityManager, userId: string, purpose: TokenPurpose): Promise<void> {
    await manager
      .getRepository(AuthToken)
      .update({ userId, purpose, usedAt: IsNull() }, { usedAt: this.clock.now() });
  }
}
