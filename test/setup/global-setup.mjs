// Per run: a throwaway database (random name) with migrations applied, and a Redis key prefix of
// its own; both removed in global-teardown. With DATABASE_URL / REDIS_URL set, those servers are
// used (and must answer at once); unset, a private PostgreSQL and redis-server are started, the
// same mechanism the app uses in development.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { register } from 'tsx/esm/api';

export default async function globalSetup() {
  // jest's ESM runtime cannot resolve our .ts sources from here; tsx can (no decorators needed).
  const unregister = register();
  const src = (path) => import(new URL(`../../src/${path}`, import.meta.url).href);
  const { startEmbeddedPostgres } = await src('database/embedded-postgres.ts');
  const { ensureDatabase } = await src('database/ensure-database.ts');
  const { runMigrations } = await src('database/run-migrations.ts');
  const { startLocalRedis } = await src('redis/local-redis.ts');
  const { checkReachable } = await import('./reachable.mjs');

  const runId = randomBytes(4).toString('hex');
  const state = { runId, stops: [] };
  globalThis.__TEST_STATE__ = state;

  let serverUrl = process.env.DATABASE_URL;
  if (serverUrl) {
    await checkReachable('DATABASE_URL', serverUrl);
  } else {
    const pg = await startEmbeddedPostgres({ dataDir: join(scratch(), 'pg'), persistent: false });
    state.stops.push(pg.stop);
    serverUrl = pg.url;
  }
  const databaseUrl = new URL(serverUrl);
  databaseUrl.pathname = `/test_${runId}`;
  state.databaseUrl = databaseUrl.toString();
  await ensureDatabase(state.databaseUrl);
  await runMigrations(state.databaseUrl);

  let redisUrl = process.env.REDIS_URL;
  if (redisUrl) {
    await checkReachable('REDIS_URL', redisUrl);
  } else {
    const redis = await startLocalRedis(join(scratch(), 'redis'));
    state.stops.push(redis.stop);
    redisUrl = redis.url;
  }
  state.redisUrl = redisUrl;
  state.queuePrefix = `test-${runId}`;

  process.env.DATABASE_URL = state.databaseUrl;
  process.env.REDIS_URL = redisUrl;
  process.env.QUEUE_PREFIX = state.queuePrefix;
  process.env.TEST_SCRATCH_DIR = scratch();
  unregister();
}

let scratchDir;
function scratch() {
  scratchDir ??= mkdtempSync(join(tmpdir(), 'app-test-'));
  return scratchDir;
}
