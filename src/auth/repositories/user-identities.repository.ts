import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository, type EntityManager } from 'typeorm';
import { keysetPage, type Page, type PageRequest } from '../../common/pagination/keyset.js';
import { UserIdentity } from '../entities/user-identity.entity.js';

export interface NewIdentity {
  userId: string;
  provider: string;
  subject: string;
  email: string | null;
  at: Date;
}

/** Every query of the user_identities table. */
@Injectable()
export class UserIdentitiesRepository {
  constructor(
    @InjectRepository(UserIdentity) private readonly identities: Repository<UserIdentity>,
  ) {}

  findBySubject(provider: string, subject: string): Promise<UserIdentity | null> {
    return this.identities.findOneBy({ provider, subject });
  }

  /** Null when the subject is already linked (to anyone): the unique index decides races. */
  async insert(manager: EntityManager, input: NewIdentity): Promise<UserIdentity | null> {
    const rows: UserIdentity[] = await manager.query(
      `INSERT INTO user_identities (user_id, provider, subject, email, last_used_at)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (provider, subject) DO NOTHING
       RETURNING id`,
      [input.userId, input.provider, input.subject, input.email, input.at],
    );
    const id = rows[0]?.id;
    return id ? manager.getRepository(UserIdentity).findOneByOrFail({ id }) : null;
  }

  async markUsed(id: string, email: string | null, at: Date): Promise<void> {
    await this.identities.update({ id }, { lastUsedAt: at, ...(email ? { email } : {}) });
  }

  pageForUser(userId: string, page: PageRequest): Promise<Page<UserIdentity>> {
    const query = this.identities.createQueryBuilder('i').where('i.user_id = :userId', { userId });
    return keysetPage(query, 'i', page);
  }

  /** Locks the user's identities (concurrent unlinks queue up) and returns them. */
  lockForUser(manager: EntityManager, userId: string): Promise<UserIdentity[]> {
    return manager
      .getRepository(UserIdentity)
      .createQueryBuilder('i')
      .setLock('pessimistic_write')
      .where('i.user_id = :userId', { userId })
      .getMany();
  }

  async delete(manager: EntityManager, id: string): Promise<void> {
    await manager.getRepository(UserIdentity).delete({ id });
  }

  /** A deleted account keeps no link to its provider accounts (they may sign up afresh). */
  async deleteAllOf(manager: EntityManager, userId: string): Promise<void> {
    await manager.getRepository(UserIdentity).delete({ userId });
  }
}
