import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { PaymentStatus } from '../domain/payment-status.js';
import {
  ProviderDeclinedError,
  ProviderRequestError,
  ProviderUnavailableError,
} from './payment-provider.js';

/**
 * The sandbox gateway's shared state in Redis, so every api and worker instance sees the same
 * intents: intents (compare-and-set on a version), idempotency records, the settlement schedule
 * and the webhook delivery queue.
 */

export interface SandboxIntent {
  id: string;
  paymentId: string;
  amount: number;
  currency: string;
  description: string | null;
  /** The gateway-side status; refunds never change it, retrieve derives the refund status. */
  status: PaymentStatus;
  paymentMethod: string | null;
  amountRefunded: number;
  settleAt: number | null;
  clientSecret: string;
  version: number;
}

type Outcome = { ok: unknown } | { declined: { code: string; message: string } };
type IdempotencyRecord = { state: 'inflight' | 'done'; fingerprint: string; outcome?: Outcome };

const DAY_S = 24 * 60 * 60;
const INTENT_TTL_S = 30 * DAY_S;
const IDEMPOTENCY_TTL_S = DAY_S;
const IN_FLIGHT_TTL_MS = 30_000;
const EVENT_TTL_S = 3 * DAY_S;
const CAS_RETRIES = 10;

// Replaces the intent only if nobody wrote it since we read it; KEEPTTL keeps the expiry.
const CAS_SCRIPT = `
local cur = redis.call('GET', KEYS[1])
if not cur then return 0 end
if cjson.decode(cur).version ~= tonumber(ARGV[1]) then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'KEEPTTL')
return 1`;

export class SandboxStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async createIntent(intent: SandboxIntent): Promise<void> {
    await this.redis.set(
      this.key('pi', intent.id),
      JSON.stringify(intent),
      'EX',
      INTENT_TTL_S,
      'NX',
    );
  }

  async getIntent(id: string): Promise<SandboxIntent> {
    const raw = await this.redis.get(this.key('pi', id));
    if (raw === null) {
      throw new ProviderRequestError(
        'sandbox',
        'resource_missing',
        `No such payment_intent: '${id}'`,
        404,
      );
    }
    return JSON.parse(raw) as SandboxIntent;
  }

  /** Read-modify-write of one intent, retried when another instance wrote it in between. */
  async updateIntent(
    id: string,
    change: (i: SandboxIntent) => SandboxIntent,
  ): Promise<SandboxIntent> {
    for (let attempt = 0; attempt < CAS_RETRIES; attempt++) {
      const current = await this.getIntent(id);
      const next = { ...change(current), version: current.version + 1 };
      const key = this.key('pi', id);
      const written = await this.redis.eval(
        CAS_SCRIPT,
        1,
        key,
        current.version,
        JSON.stringify(next),
      );
      if (written === 1) return next;
    }
    throw new ProviderUnavailableError(`intent ${id} is contended`, 'sandbox');
  }

  /**
   * Runs `fn` once per idempotency key, like a real gateway: the same key and parameters replay
   * the first outcome (a decline included), other parameters are refused, and a request still in
   * flight answers "unavailable" (the caller cannot know yet whether it took effect).
   */
  async idempotent<T>(key: string, params: unknown, fn: () => Promise<T>): Promise<T> {
    const fingerprint = createHash('sha256').update(JSON.stringify(params)).digest('hex');
    const redisKey = this.key('idem', key);
    const inflight: IdempotencyRecord = { state: 'inflight', fingerprint };
    const claimed = await this.redis.set(
      redisKey,
      JSON.stringify(inflight),
      'PX',
      IN_FLIGHT_TTL_MS,
      'NX',
    );
    if (claimed === null) return this.replay<T>(redisKey, fingerprint);
    try {
      const result = await fn();
      await this.remember(redisKey, { state: 'done', fingerprint, outcome: { ok: result } });
      return result;
    } catch (error) {
      if (!(error instanceof ProviderDeclinedError)) {
        await this.redis.del(redisKey);
        throw error;
      }
      const declined = { code: error.declineCode, message: error.message };
      await this.remember(redisKey, { state: 'done', fingerprint, outcome: { declined } });
      throw error;
    }
  }

  async scheduleSettlement(id: string, at: number): Promise<void> {
    await this.redis.zadd(this.key('settle'), at, id);
  }

  async dueSettlements(now: number): Promise<string[]> {
    return this.redis.zrangebyscore(this.key('settle'), '-inf', now);
  }

  async unscheduleSettlement(id: string): Promise<void> {
    await this.redis.zrem(this.key('settle'), id);
  }

  /** Keeps an event until its delivery succeeds (gateways retry webhooks for days). */
  async queueDelivery(eventId: string, body: string, at: number): Promise<void> {
    await this.redis
      .multi()
      .set(this.key('event', eventId), body, 'EX', EVENT_TTL_S)
      .zadd(this.key('deliveries'), at, eventId)
      .exec();
  }

  async dueDeliveries(now: number): Promise<Array<{ eventId: string; body: string | null }>> {
    const ids = await this.redis.zrangebyscore(this.key('deliveries'), '-inf', now);
    const bodies =
      ids.length > 0 ? await this.redis.mget(ids.map((id) => this.key('event', id))) : [];
    return ids.map((eventId, i) => ({ eventId, body: bodies[i] ?? null }));
  }

  async rescheduleDelivery(eventId: string, at: number): Promise<void> {
    await this.redis.zadd(this.key('deliveries'), at, eventId);
  }

  async delivered(eventId: string): Promise<void> {
    await this.redis
      .multi()
      .zrem(this.key('deliveries'), eventId)
      .del(this.key('event', eventId))
      .exec();
  }

  private async replay<T>(redisKey: string, fingerprint: string): Promise<T> {
    const raw = await this.redis.get(redisKey);
    const record = raw === null ? null : (JSON.parse(raw) as IdempotencyRecord);
    if (record === null || record.state === 'inflight' || record.outcome === undefined) {
      throw new ProviderUnavailableError(
        'a request with this idempotency key is in flight',
        'sandbox',
      );
    }
    if (record.fingerprint !== fingerprint) {
      throw new ProviderRequestError(
        'sandbox',
        'idempotency_key_reused',
        'idempotency key was used with other parameters',
        400,
      );
    }
    if ('declined' in record.outcome) {
      const { code, message } = record.outcome.declined;
      throw new ProviderDeclinedError('sandbox', code, message);
    }
    return record.outcome.ok as T;
  }

  private async remember(redisKey: string, record: IdempotencyRecord): Promise<void> {
    await this.redis.set(redisKey, JSON.stringify(record), 'EX', IDEMPOTENCY_TTL_S);
  }

  private key(...parts: string[]): string {
    return [this.prefix, ...parts].join(':');
  }
}
