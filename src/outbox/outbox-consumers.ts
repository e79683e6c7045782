import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { OutboxHandler, OutboxMessage } from './outbox.types.js';

/**
 * Consumers register a handler per event type (in their worker module's onModuleInit). Dispatch
 * waits for application bootstrap, so a job picked up early never misses a late registration.
 */
@Injectable()
export class OutboxConsumers implements OnApplicationBootstrap {
  private readonly logger = new Logger(OutboxConsumers.name);
  private readonly handlers = new Map<string, Map<string, OutboxHandler>>();
  private markReady!: () => void;
  private readonly ready = new Promise<void>((resolve) => (this.markReady = resolve));

  register(type: string, consumer: string, handler: OutboxHandler): void {
    const forType = this.handlers.get(type) ?? new Map<string, OutboxHandler>();
    if (forType.has(consumer))
      throw new Error(`outbox consumer ${consumer} registered twice for ${type}`);
    forType.set(consumer, handler);
    this.handlers.set(type, forType);
  }

  onApplicationBootstrap(): void {
    this.markReady();
  }

  /** Runs every handler; one failure fails the job so Bull retries it (handlers are idempotent). */
  async dispatch(message: OutboxMessage): Promise<number> {
    await this.ready;
    const forType = this.handlers.get(message.type);
    if (!forType?.size) {
      this.logger.debug(
        { eventId: message.id, type: message.type },
        'outbox event has no consumer',
      );
      return 0;
    }
    for (const handler of forType.values()) await handler(message);
    return forType.size;
  }
}
