import { rmSync } from 'node:fs';
import pg from 'pg';
import { Redis } from 'ioredis';

export default async function globalTeardown() {
  const state = globalThis.__TEST_STATE__;
  if (!state) return;
  await dropDatabase(state.databaseUrl).catch((e) =>
    console.error('dropping the test database failed:', e.message),
  );
  await deleteKeys(state.redisUrl, state.queuePrefix).catch((e) =>
    console.error('cleaning Redis failed:', e.message),
  );
  for (const stop of state.stops.reverse()) await stop();
  if (process.env.TEST_SCRATCH_DIR)
    rmSync(process.env.TEST_SCRATCH_DIR, { recursive: true, force: true });
}

async function dropDatabase(url) {
  const target = new URL(url);
  const name = target.pathname.slice(1);
  target.pathname = '/postgres';
  const client = new pg.Client({ connectionString: target.toString() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

/** Every key of this run starts with its prefix (queues, rate limits, caches). */
async function deleteKeys(url, prefix) {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
