import { Injectable } from '@nestjs/common';
import type { Page, PageRequest } from '../../common/pagination/keyset.js';
import { Transactions } from '../../database/transactions.js';
import { AuditTrail } from '../audit-trail.js';
import type { ClientInfo } from '../client-info.js';
import { passkeyNotFound } from '../domain/auth.errors.js';
import type { Passkey } from '../entities/passkey.entity.js';
import { PasskeysRepository } from '../repositories/passkeys.repository.js';

/** A user's own passkeys: list and remove. */
@Injectable()
export class PasskeysService {
  constructor(
    private readonly passkeys: PasskeysRepository,
    private readonly transactions: Transactions,
    private readonly audit: AuditTrail,
  ) {}

  list(userId: string, page: PageRequest): Promise<Page<Passkey>> {
    return this.passkeys.page(userId, page);
  }

  /** Another user's passkey is the same `passkey-not-found` as a missing one. */
  remove(userId: string, id: string, client: ClientInfo): Promise<void> {
    return this.transactions.run(async (manager) => {
      const removed = await this.passkeys.deleteOwn(manager, userId, id);
      if (!removed) throw passkeyNotFound();
      await this.audit.recordIn(manager, {
        type: 'passkey_removed',
        userId,
        client,
        details: { passkeyId: removed.id, name: removed.name },
      });
    });
  }
}
