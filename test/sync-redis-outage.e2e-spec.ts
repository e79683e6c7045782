import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import { createHttpApp } from '../src/bootstrap/http-app.js';
import { loadConfigFromEnv } from '../src/config/index.js';
import { startLocalRedis, type LocalRedis } from '../src/redis/local-redis.js';
import { signUp, type SignedUp } from './support/auth.js';
import { testAppOf, type TestApp } from './support/test-app.js';
import { waitFor } from './support/wait.js';

interface LogLine {
  level: number;
  msg: string;
  dependency?: string;
}

/**
 * The `sync` event is published after the commit: with Redis down the write still succeeds
 * (the data is in PostgreSQL, devices catch up at their next pull), and the failure is logged
 * once per burst, not once per write.
 */
describe('sync writes with Redis down', () => {
  let redis: LocalRedis;
  let t: TestApp;
  const logs: LogLine[] = [];
  let user: SignedUp;
  const dir = join(process.env.TEST_SCRATCH_DIR ?? '/tmp', `redis-${randomUUID()}`);

  beforeAll(async () => {
    redis = await startLocalRedis(dir);
    const config = loadConfigFromEnv({
      APP_ROLE: 'api',
      REDIS_URL: redis.url,
      QUEUE_PREFIX: `sync-outage-${randomUUID()}`,
    });
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) {
          logs.push(JSON.parse(line) as LogLine);
        }
        done();
      },
    });
    t = testAppOf(await createHttpApp(config, pino({ level: 'debug' }, sink)), config);
    user = await signUp(t);
    await redis.stop();
    await waitFor(async () => (await t.http.get('/health/ready')).status === 503, {
      what: 'ready 503',
    });
  });
  afterAll(async () => {
    await t?.close();
    await redis?.stop();
  }, 90_000);

  it('stores the writes and logs the lost events once', async () => {
    const before = logs.length;
    for (let i = 0; i < 5; i++) {
      const res = await t
        .asUser(user)
        .put(`/api/v1/sync/documents/notes/n${i}`)
        .send({ value: { i } });
      expect([200, 201]).toContain(res.status);
    }
    const feed = await t.asUser(user).get('/api/v1/sync/changes').expect(200);
    expect(feed.body.changes.map((c: { key: string }) => c.key)).toEqual([
      'n0',
      'n1',
      'n2',
      'n3',
      'n4',
    ]);
    const lost = await waitFor(() => {
      const lines = logs.filter((l) => l.msg.startsWith('sync events not published'));
      return lines.length > 0 ? lines : null;
    });
    expect(lost).toHaveLength(1);
    expect(lost[0]).toMatchObject({ level: 40, dependency: 'redis' });
    expect(logs.slice(before).filter((l) => l.level >= 50)).toEqual([]);
  });
});
