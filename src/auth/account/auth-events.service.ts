import { Injectable } from '@nestjs/common';
import type { Page, PageRequest } from '../../common/pagination/keyset.js';
import { UsersService } from '../../users/index.js';
import { auditedUserNotFound } from '../domain/auth.errors.js';
import type { AuthEvent } from '../entities/auth-event.entity.js';
import { AuthEventsRepository } from '../repositories/auth-events.repository.js';

/** Reading a user's security audit trail (admins). */
@Injectable()
export class AuthEventsService {
  constructor(
    private readonly users: UsersService,
    private readonly events: AuthEventsRepository,
  ) {}

  async listForUser(userId: string, page: PageRequest): Promise<Page<AuthEvent>> {
    // A deleted user's events stay readable: that is what the audit trail is kept for.
    if (!(await this.users.everExisted(userId))) throw auditedUserNotFound();
    return this.events.pageForUser(userId, page);
  }
}
