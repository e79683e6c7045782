/** A domain event as a producer publishes it. `type` is namespaced: `<module>.<what happened>`. */
export interface DomainEvent<P extends object = Record<string, unknown>> {
  type: string;
  payload: P;
}

/** What a consumer receives: the event as stored, with its id (stable across retries). */
export interface OutboxMessage<P extends object = Record<string, unknown>> extends DomainEvent<P> {
  id: string;
  createdAt: string;
}

/** Must be idempotent: the same message may arrive more than once (retries, stalled jobs). */
export type OutboxHandler = (message: OutboxMessage) => Promise<void>;

/** The same contract for several messages of one type at once (OutboxConsumers.registerBatch). */
export type OutboxBatchHandler = (messages: OutboxMessage[]) => Promise<void>;
