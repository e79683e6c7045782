import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository, type EntityManager } from 'typeorm';
import { keysetPage, type Page, type PageRequest } from '../../common/pagination/keyset.js';
import type { AuthEventRow } from '../audit-trail.js';
import { AuthEvent } from '../entities/auth-event.entity.js';

/** Every query of the auth_events table (the security audit trail). */
@Injectable()
export class AuthEventsRepository {
  constructor(@InjectRepository(AuthEvent) private readonly events: Repository<AuthEvent>) {}

  insert(row: AuthEventRow): Promise<void> {
    return this.insertIn(this.events.manager, row);
  }

  async insertIn(manager: EntityManager, row: AuthEventRow): Promise<void> {
    // jsonb details are opaque to TypeORM's deep-partial typing.
    await manager.getRepository(AuthEvent).insert(row as Partial<AuthEvent> as never);
  }

  pageForUser(userId: string, page: PageRequest): Promise<Page<AuthEvent>> {
    const query = this.events.createQueryBuilder('e').where('e.user_id = :userId', { userId });
    return keysetPage(query, 'e', page);
  }
}
