import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { startEmbeddedPostgres } from '../../src/database/embedded-postgres.js';
import { redisAnswers, startLocalRedis } from '../../src/redis/local-redis.js';
import { assertLoopback, log } from './util.js';

const MACHINE_PG = 'postgres://postgres@127.0.0.1:5432/postgres';
const MACHINE_REDIS = 'redis://127.0.0.1:6379';

export interface Infra {
  /** URL of the run's own, freshly created database. */
  databaseUrl: string;
  redisUrl: string;
  /** QUEUE_PREFIX of every process of this run: all its Redis keys start with `<prefix>:`. */
  prefix: string;
  runId: string;
  describe: string;
  /** Drops the database, deletes the prefix's keys, stops private servers. Idempotent. */
  teardown(): Promise<void>;
}

async function reachablePg(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1500 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * BENCH_DATABASE_URL (an admin URL: the run creates and drops its own database through it) and
 * BENCH_REDIS_URL win. Unset: the machine's PostgreSQL and Redis on their default loopback ports
 * when they answer, otherwise a private embedded PostgreSQL / redis-server in a temp dir.
 */
export async function setupInfra(): Promise<Infra> {
  const runId = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const stops: Array<() => Promise<void>> = [];
  let tmp: string | undefined;
  const scratch = () => (tmp ??= mkdtempSync(join(tmpdir(), 'bench-')));

  let adminUrl = process.env.BENCH_DATABASE_URL;
  let pgKind = 'BENCH_DATABASE_URL';
  if (!adminUrl) {
    if (await reachablePg(MACHINE_PG)) {
      adminUrl = MACHINE_PG;
      pgKind = 'machine PostgreSQL';
    } else {
      const dir = join(scratch(), 'pg');
      const embedded = await startEmbeddedPostgres({ dataDir: dir, persistent: false });
      stops.push(() => embedded.stop());
      adminUrl = embedded.url.replace(/\/app$/, '/postgres');
      pgKind = 'embedded PostgreSQL';
    }
  }
  assertLoopback(adminUrl, 'BENCH_DATABASE_URL');

  let redisUrl = process.env.BENCH_REDIS_URL;
  let redisKind = 'BENCH_REDIS_URL';
  if (!redisUrl) {
    if (await redisAnswers(MACHINE_REDIS)) {
      redisUrl = MACHINE_REDIS;
      redisKind = 'machine Redis';
    } else {
      const local = await startLocalRedis(join(scratch(), 'redis'));
      stops.push(() => local.stop());
      redisUrl = local.url;
      redisKind = 'private redis-server';
    }
  }
  assertLoopback(redisUrl, 'BENCH_REDIS_URL');

  const dbName = `bench_${runId}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${dbName}"`);
  await admin.end();
  const databaseUrl = (() => {
    const u = new URL(adminUrl);
    u.pathname = `/${dbName}`;
    return u.toString();
  })();
  const prefix = `bench-${runId}`;

  let done = false;
  return {
    databaseUrl,
    redisUrl,
    prefix,
    runId,
    describe: `${pgKind} (database ${dbName}), ${redisKind} (prefix ${prefix}:)`,
    async teardown() {
      if (done) return;
      done = true;
      const client = new pg.Client({ connectionString: adminUrl });
      try {
        await client.connect();
        await client.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
      } catch (error) {
        log(`could not drop ${dbName}: ${String(error)}`);
      } finally {
        await client.end().catch(() => undefined);
      }
      await deletePrefix(redisUrl, prefix).catch((e: unknown) =>
        log(`could not clean Redis prefix: ${String(e)}`),
      );
      for (const stop of stops.reverse()) await stop().catch(() => undefined);
      if (tmp) rmSync(tmp, { recursive: true, force: true });
    },
  };
}

/** Deletes every key under `<prefix>:` (bounded SCAN batches). */
export async function deletePrefix(redisUrl: string, prefix: string): Promise<number> {
  const r = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  let deleted = 0;
  try {
    let cursor = '0';
    for (let i = 0; i < 1_000_000; i++) {
      const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (keys.length) deleted += await r.unlink(...keys);
      cursor = next;
      if (cursor === '0') break;
    }
  } finally {
    r.disconnect();
  }
  return deleted;
}
