import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { OutboxEvent } from './outbox-event.entity.js';
import type { DomainEvent } from './outbox.types.js';

@Injectable()
export class OutboxService {
  /**
   * Appends events inside the caller's transaction: they exist if and only if the caller's change
   * commits. The relay delivers them later, so a request never waits on Redis.
   */
  async publish(manager: EntityManager, ...events: DomainEvent[]): Promise<string[]> {
    if (!manager.queryRunner?.isTransactionActive) {
      throw new Error('outbox.publish needs the EntityManager of an open transaction');
    }
    const rows = events.map((e) => ({ id: randomUUID(), type: e.type, payload: e.payload }));
    // jsonb payloads are opaque to TypeORM's deep-partial typing.
    await manager.insert(OutboxEvent, rows as Array<Partial<OutboxEvent>> as never);
    return rows.map((r) => r.id);
  }
}
