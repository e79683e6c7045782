import { Injectable } from '@nestjs/common';
import { UsersService, userNotFound } from '../../users/index.js';
import type { SyncUsage } from '../domain/sync-views.js';
import { SyncHeadsRepository } from '../repositories/sync-heads.repository.js';

/** What a user's synced data takes, for admins. */
@Injectable()
export class UsageService {
  constructor(
    private readonly users: UsersService,
    private readonly heads: SyncHeadsRepository,
  ) {}

  async usageOf(userId: string): Promise<SyncUsage> {
    if (!(await this.users.findById(userId))) throw userNotFound();
    return this.heads.usage(userId);
  }
}
