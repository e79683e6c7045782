import { Injectable, Logger } from '@nestjs/common';
import type { AccountDeletedPayload } from '../../common/events/account-events.js';
import type { OutboxMessage } from '../../outbox/outbox.types.js';
import { SyncHeadsRepository } from '../repositories/sync-heads.repository.js';

/**
 * A deleted account's documents, tombstones and stored mutation results go at once (the head
 * row and, by cascade, the rest). Idempotent: a second delivery finds nothing.
 */
@Injectable()
export class SyncErasure {
  private readonly logger = new Logger(SyncErasure.name);

  constructor(private readonly heads: SyncHeadsRepository) {}

  async handle(message: OutboxMessage): Promise<void> {
    const { userId } = message.payload as unknown as AccountDeletedPayload;
    const erased = await this.heads.erase(userId);
    if (erased > 0) this.logger.log({ userId }, 'sync data of a deleted account erased');
  }
}
