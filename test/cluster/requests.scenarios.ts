import { randomUUID } from 'node:crypto';
import { expect, it } from '@jest/globals';
import { migrations } from '../../src/database/migrations/index.js';
import { call, signIn, signUp } from './client.js';
import { report, uniqueEmail, type Cluster } from './cluster.js';

/** `password/forgot` allows 5 attempts per client and account an hour (login-throttle.ts). */
const FORGOT_LIMIT = 5;

/**
 * Migrations at boot: the cluster's two api instances started side by side on the empty
 * database, both with DB_MIGRATE_ON_BOOT. Checked last, on the logs of the first processes.
 */
export function migrationScenario(cluster: () => Cluster): void {
  it('applies every migration once when two api instances boot at once on a fresh database', async () => {
    const c = cluster();
    const rows = await c.sql<{ name: string }>('SELECT name FROM migrations');
    // Read once they have exited (the rolling restart stopped them): their logs are flushed.
    const appliedBy = c.firstApis.map((api) => migrationsLogged(api.log()));
    const counts = {
      migrations: migrations.length,
      rows: rows.length,
      distinctRows: new Set(rows.map((r) => r.name)).size,
      appliedByEachApi: appliedBy,
    };
    report('migrations by two api instances at once', counts);
    expect(counts.rows).toBe(migrations.length);
    expect(counts.distinctRows).toBe(migrations.length);
    // One instance applied them all under the advisory lock; the other found nothing pending.
    expect([...appliedBy].sort((a, b) => a - b)).toEqual([0, migrations.length]);
    // Both booted: both served requests until their SIGTERM, and exited cleanly.
    for (const api of c.firstApis) expect((await api.exited).code).toBe(0);
  });
}

/** Scenarios about requests: rate limits, sessions, idempotency keys. */
export function requestScenarios(cluster: () => Cluster): void {
  it('holds a rate limit across instances: the N+1th attempt is 429 whichever instance gets it', async () => {
    const c = cluster();
    // Concurrently through the balancer (both instances): exactly the limit gets through.
    const email = uniqueEmail();
    const burst = await Promise.all(
      Array.from({ length: 4 * FORGOT_LIMIT }, () =>
        call(c.url, 'POST', '/api/v1/auth/password/forgot', { body: { email } }),
      ),
    );
    const accepted = burst.filter((a) => a.status === 202).length;
    const limited = burst.filter((a) => a.status === 429).length;
    // One at a time, alternating instances directly: attempt N+1 is refused on both.
    const other = uniqueEmail();
    const sequence: number[] = [];
    for (let i = 0; i < FORGOT_LIMIT + 2; i++) {
      const api = c.apis[i % 2] as (typeof c.apis)[number];
      const answer = await call(api.url, 'POST', '/api/v1/auth/password/forgot', {
        body: { email: other },
      });
      sequence.push(answer.status);
    }
    report('rate limit across instances', { burst: burst.length, accepted, limited, sequence });
    expect({ accepted, limited }).toEqual({
      accepted: FORGOT_LIMIT,
      limited: burst.length - FORGOT_LIMIT,
    });
    expect(sequence).toEqual([...Array<number>(FORGOT_LIMIT).fill(202), 429, 429]);
  });

  it('refuses at once, on the other instance, a session revoked through one', async () => {
    const c = cluster();
    const [a1, a2] = c.apis as [(typeof c.apis)[number], (typeof c.apis)[number]];
    const users = await Promise.all(Array.from({ length: 6 }, () => signUp(c)));
    const results = await Promise.all(
      users.map(async (first) => {
        const second = await signIn(c, first.email, first.password);
        // Both instances have seen the session active (the cache says so for a minute).
        const before = await Promise.all(
          [a1, a2].map((api) => call(api.url, 'GET', '/api/v1/users/me', { token: first.token })),
        );
        const revoked = await call(a1.url, 'DELETE', `/api/v1/auth/sessions/${first.sessionId}`, {
          token: second.token,
        });
        const after = await call(a2.url, 'GET', '/api/v1/users/me', { token: first.token });
        const stillOk = await call(a2.url, 'GET', '/api/v1/users/me', { token: second.token });
        return {
          before: before.map((b) => b.status),
          revoked: revoked.status,
          after: after.status,
          stillOk: stillOk.status,
        };
      }),
    );
    report('session revoked on one instance, used on the other', {
      sessions: results.length,
      refusedAtOnce: results.filter((r) => r.after === 401).length,
    });
    for (const r of results)
      expect(r).toEqual({ before: [200, 200], revoked: 204, after: 401, stillOk: 200 });
  });

  it('replays an Idempotency-Key retried against the other instance and never charges twice', async () => {
    const c = cluster();
    const [a1, a2] = c.apis as [(typeof c.apis)[number], (typeof c.apis)[number]];
    const user = await signUp(c);
    const key = randomUUID();
    const create = (url: string) =>
      call(url, 'POST', '/api/v1/payments', {
        token: user.token,
        headers: { 'Idempotency-Key': key },
        body: { amount: 1999, currency: 'usd', description: 'cluster' },
      });
    // The same request on both instances at once (a client retrying on a timeout), then again.
    const racing = await Promise.all([
      create(a1.url),
      create(a2.url),
      create(a1.url),
      create(a2.url),
    ]);
    const retries = [await create(a2.url), await create(a1.url)];
    const created = [...racing, ...retries].filter((a) => a.status === 201);
    const ids = new Set(created.map((a) => String(a.body?.id)));
    const paymentId = [...ids][0] as string;

    const confirmKey = randomUUID();
    const confirm = (url: string) =>
      call(url, 'POST', `/api/v1/payments/${paymentId}/confirm`, {
        token: user.token,
        headers: { 'Idempotency-Key': confirmKey },
        body: { paymentMethod: 'pm_card_visa' },
      });
    const first = await confirm(a1.url);
    const replay = await confirm(a2.url);
    const rows = await c.sql<{ n: number }>(
      'SELECT count(*)::int AS n FROM payments WHERE user_id = $1',
      [user.userId],
    );
    const intents = await sandboxIntentsOf(c, paymentId);
    const counts = {
      statuses: [...racing, ...retries].map((a) => a.status),
      paymentIds: ids.size,
      paymentRows: rows[0]?.n,
      providerIntents: intents.length,
      confirm: [first.status, replay.status],
      replayed: replay.headers?.get('idempotent-replayed'),
    };
    report('idempotency key retried on the other instance', counts);
    expect(racing.every((a) => a.status === 201 || a.status === 409)).toBe(true);
    expect(retries.map((a) => a.status)).toEqual([201, 201]);
    expect(retries.map((a) => a.headers?.get('idempotent-replayed'))).toEqual(['true', 'true']);
    expect({ ids: ids.size, rows: rows[0]?.n, intents: intents.length }).toEqual({
      ids: 1,
      rows: 1,
      intents: 1,
    });
    expect(counts.confirm).toEqual([200, 200]);
    expect(counts.replayed).toBe('true');
    expect(replay.body).toEqual(first.body);
  });
}

/** How many migrations an instance's log says it applied. */
function migrationsLogged(log: string): number {
  let applied = 0;
  for (const line of log.split('\n')) {
    if (!line.includes('migrations applied')) continue;
    const parsed = JSON.parse(line) as { migrations?: string[] };
    applied += parsed.migrations?.length ?? 0;
  }
  return applied;
}

/** The sandbox gateway's intents (in Redis) created for one of our payments. */
async function sandboxIntentsOf(c: Cluster, paymentId: string): Promise<unknown[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await c.redis.scan(cursor, 'MATCH', '*:pi:*', 'COUNT', 1000);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== '0');
  const values = keys.length ? await c.redis.mget(keys) : [];
  return values
    .map((v) => (v ? (JSON.parse(v) as { paymentId?: string }) : null))
    .filter((v) => v?.paymentId === paymentId);
}
