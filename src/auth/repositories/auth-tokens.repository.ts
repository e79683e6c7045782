import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository, type EntityManager } from 'typeorm';
import { AuthToken, type TokenPurpose } from '../entities/auth-token.entity.js';

/** Every query of the auth_tokens table (single-use mailed tokens, stored as SHA-256). */
@Injectable()
export class AuthTokensRepository {
  constructor(@InjectRepository(AuthToken) private readonly tokens: Repository<AuthToken>) {}

  findUnused(tokenHash: string, purpose: TokenPurpose): Promise<AuthToken | null> {
    return this.tokens.findOne({ where: { tokenHash, purpose, usedAt: IsNull() } });
  }

  /** The unused token, locked until the caller's transaction ends. */
  findUnusedForUpdate(
    manager: EntityManager,
    tokenHash: string,
    purpose: TokenPurpose,
  ): Promise<AuthToken | null> {
    return manager.getRepository(AuthToken).findOne({
      where: { tokenHash, purpose, usedAt: IsNull() },
      lock: { mode: 'pessimistic_write' },
    });
  }

  insert(
    manager: EntityManager,
    token: { userId: string; purpose: TokenPurpose; tokenHash: string; expiresAt: Date },
  ): Promise<AuthToken> {
    const repo = manager.getRepository(AuthToken);
    return repo.save(repo.create({ ...token, usedAt: null }));
  }

  async markUsed(manager: EntityManager, tokenId: string, at: Date): Promise<void> {
    await manager.getRepository(AuthToken).update({ id: tokenId }, { usedAt: at });
  }

  async markAllUsed(
    manager: EntityManager,
    userId: string,
    purpose: TokenPurpose,
    at: Date,
  ): Promise<void> {
    await manager
      .getRepository(AuthToken)
      .update({ userId, purpose, usedAt: IsNull() }, { usedAt: at });
  }

  async deleteAllOf(manager: EntityManager, userId: string): Promise<void> {
    await manager.getRepository(AuthToken).delete({ userId });
  }
}
