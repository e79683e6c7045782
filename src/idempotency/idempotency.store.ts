import { createHash, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock.js';
import { IdempotencyKey } from './idempotency-key.entity.js';

/** How long a key and its first response are kept. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/**
 * How long a claim protects a request still running. A process that dies mid-request leaves its
 * claim behind; after this long another request with the key may take over (the work behind
 * every money-moving route is itself idempotent at the provider, so a takeover cannot double it).
 */
export const IN_FLIGHT_LEASE_MS = 60 * 1000;

export interface IdempotencyScope {
  scope: string;
  method: string;
  path: string;
  key: string;
}

export type ClaimResult =
  | { kind: 'claimed'; token: string }
  | { kind: 'replay'; status: number; body: unknown }
  | { kind: 'mismatch' }
  | { kind: 'in_flight'; retryAfterSeconds: number };

/** SHA-256 over a canonical JSON of what makes two requests "the same request". */
export function requestFingerprint(parts: {
  method: string;
  path: string;
  query: unknown;
  body: unknown;
}): string {
  return createHash('sha256')
    .update(
      canonicalJson([
        parts.method.toUpperCase(),
        parts.path,
        parts.query ?? {},
        parts.body ?? null,
      ]),
    )
    .digest('hex');
}

/** JSON with object keys sorted, so `{a,b}` and `{b,a}` hash alike. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

/**
 * Idempotency records in PostgreSQL. The claim is one INSERT … ON CONFLICT statement, so of any
 * number of concurrent requests with one key exactly one wins; the others read the winner's row.
 */
@Injectable()
export class IdempotencyStore {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  async claim(scope: IdempotencyScope, fingerprint: string): Promise<ClaimResult> {
    const now = this.clock.now();
    const token = randomUUID();
    // Inserts, or takes over a row that expired or whose in-flight lease ran out (a crashed
    // request); otherwise leaves the row alone and returns nothing.
    const claimed: Array<{ id: string }> = await this.dataSource.query(
      `INSERT INTO idempotency_keys
         (scope, method, path, key, fingerprint, state, lock_token, locked_until, expires_at)
       VALUES ($1, $2, $3, $4, $5, 'in_flight', $6, $7, $8)
       ON CONFLICT (scope, method, path, key) DO UPDATE
         SET fingerprint = EXCLUDED.fingerprint, state = 'in_flight',
             lock_token = EXCLUDED.lock_token, locked_until = EXCLUDED.locked_until,
             response_status = NULL, response_body = NULL, expires_at = EXCLUDED.expires_at,
             created_at = now(), updated_at = now()
         WHERE idempotency_keys.expires_at <= $9
            OR (idempotency_keys.state = 'in_flight' AND idempotency_keys.locked_until <= $9
                AND idempotency_keys.fingerprint = EXCLUDED.fingerprint)
       RETURNING id`,
      [
        scope.scope,
        scope.method,
        scope.path,
        scope.key,
        fingerprint,
        token,
        new Date(now.getTime() + IN_FLIGHT_LEASE_MS),
        new Date(now.getTime() + IDEMPOTENCY_TTL_MS),
        now,
      ],
    );
    if (claimed.length > 0) return { kind: 'claimed', token };

    const row = await this.dataSource.getRepository(IdempotencyKey).findOneBy({
      scope: scope.scope,
      method: scope.method,
      path: scope.path,
      key: scope.key,
    });
    // Released between our insert and this read: the caller may simply try again.
    if (row === null) return { kind: 'in_flight', retryAfterSeconds: 1 };
    if (row.fingerprint !== fingerprint) return { kind: 'mismatch' };
    if (row.state === 'in_flight' || row.responseStatus === null) {
      const left = (row.lockedUntil?.getTime() ?? now.getTime()) - now.getTime();
      return {
        kind: 'in_flight',
        retryAfterSeconds: Math.min(Math.max(Math.ceil(left / 1000), 1), 5),
      };
    }
    return { kind: 'replay', status: row.responseStatus, body: row.responseBody };
  }

  /** Stores the first response; only the holder of the claim may (a takeover voids older claims). */
  async complete(
    scope: IdempotencyScope,
    token: string,
    status: number,
    body: unknown,
  ): Promise<void> {
    await this.dataSource.query(
      `UPDATE idempotency_keys
          SET state = 'completed', response_status = $6, response_body = $7::jsonb,
              lock_token = NULL, locked_until = NULL, updated_at = now()
        WHERE scope = $1 AND method = $2 AND path = $3 AND key = $4 AND lock_token = $5`,
      [
        scope.scope,
        scope.method,
        scope.path,
        scope.key,
        token,
        status,
        JSON.stringify(body ?? null),
      ],
    );
  }

  /** The request failed: forget the key so that a retry runs again. */
  async release(scope: IdempotencyScope, token: string): Promise<void> {
    await this.dataSource.query(
      `DELETE FROM idempotency_keys
        WHERE scope = $1 AND method = $2 AND path = $3 AND key = $4 AND lock_token = $5`,
      [scope.scope, scope.method, scope.path, scope.key, token],
    );
  }

  /** Deletes expired records (run periodically); returns how many. */
  async purgeExpired(limit = 1000): Promise<number> {
    // TypeORM answers a DELETE with [rows, affected count].
    const [, count]: [unknown[], number] = await this.dataSource.query(
      `DELETE FROM idempotency_keys WHERE id IN (
         SELECT id FROM idempotency_keys WHERE expires_at <= $1 LIMIT $2)`,
      [this.clock.now(), limit],
    );
    return count;
  }
}
