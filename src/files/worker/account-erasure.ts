import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { ACCOUNT_DELETED, type AccountDeletedPayload } from '../../common/events/account-events.js';
import { Transactions } from '../../database/transactions.js';
import { OutboxConsumers } from '../../outbox/outbox-consumers.js';
import { OutboxService } from '../../outbox/outbox.service.js';
import { UsersService } from '../../users/index.js';
import { FILES_DELETED, type FilesDeletedPayload } from '../domain/file-events.js';
import { objectKeysOf } from '../domain/file-keys.js';
import { FilesRepository } from '../repositories/files.repository.js';

/**
 * A deleted account's files go: rows and avatar pointer in one transaction, objects through
 * `files.deleted` published with it. Run twice, the second run finds nothing and publishes
 * nothing (idempotent, as outbox consumers must be).
 */
@Injectable()
export class AccountErasure implements OnModuleInit {
  private readonly logger = new Logger(AccountErasure.name);

  constructor(
    private readonly consumers: OutboxConsumers,
    private readonly files: FilesRepository,
    private readonly users: UsersService,
    private readonly transactions: Transactions,
    private readonly outbox: OutboxService,
  ) {}

  onModuleInit(): void {
    this.consumers.register(ACCOUNT_DELETED, 'files.erase', async (message) => {
      await this.erase((message.payload as unknown as AccountDeletedPayload).userId);
    });
  }

  /** The number of files deleted. */
  erase(userId: string): Promise<number> {
    return this.transactions.run(async (manager) => {
      await this.users.clearAvatar(userId, manager);
      const deleted = await this.files.deleteAllOf(manager, userId);
      if (deleted.length === 0) return 0;
      await this.outbox.publish(manager, {
        type: FILES_DELETED,
        payload: { keys: deleted.flatMap(objectKeysOf) } satisfies FilesDeletedPayload,
      });
      this.logger.log({ userId, files: deleted.length }, 'files of a deleted account erased');
      return deleted.length;
    });
  }
}
