import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { PreparedStatements, statement } from '../src/database/prepared-statements.js';
import { signUp } from './support/auth.js';
import { createTestApp, type TestApp } from './support/test-app.js';

/** The names prepared on every connection of the app's pool (holding all of them at once). */
async function preparedNames(t: TestApp): Promise<Set<string>> {
  const dataSource = t.app.get(DataSource);
  const runners = Array.from({ length: t.config.database.poolSize }, () =>
    dataSource.createQueryRunner(),
  );
  try {
    const lists = await Promise.all(
      runners.map(async (runner) => {
        await runner.connect();
        return (await runner.query('SELECT name FROM pg_prepared_statements')) as Array<{
          name: string;
        }>;
      }),
    );
    return new Set(lists.flat().map((row) => row.name));
  } finally {
    await Promise.all(runners.map((runner) => runner.release()));
  }
}

describe('prepared statements', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('the hot paths (/users/me, a sync write, the change feed) run named statements', async () => {
    const ann = await signUp(t);
    await t.asUser(ann).get('/api/v1/users/me').expect(200);
    const put = await t.asUser(ann).put('/api/v1/sync/documents/notes/a').send({ value: 1 });
    expect(put.status).toBe(200);
    const first = await t.asUser(ann).get('/api/v1/sync/changes').expect(200);
    await t
      .asUser(ann)
      .get('/api/v1/sync/changes')
      .query({ since: first.body.cursor, collections: 'notes' })
      .expect(200);

    expect([...(await preparedNames(t))]).toEqual(
      expect.arrayContaining([
        'users-find-view',
        'sync-heads-lock',
        'sync-documents-find-many',
        'sync-documents-upsert',
        'sync-documents-feed',
        'sync-documents-feed-of-collections',
        'sync-heads-purged-seq',
      ]),
    );
  });

  it("runs on the transaction's connection when given its manager", async () => {
    const sql = t.app.get(PreparedStatements);
    const pid = statement('test-backend-pid', 'SELECT pg_backend_pid() AS pid');
    await t.app.get(DataSource).transaction(async (manager) => {
      const [viaStatement] = await sql.rows<{ pid: number }>(pid, [], manager);
      const [viaManager] = (await manager.query('SELECT pg_backend_pid() AS pid')) as Array<{
        pid: number;
      }>;
      expect(viaStatement?.pid).toBe(viaManager?.pid);
    });
  });

  it('a failing statement rejects as TypeORM would: a QueryFailedError with the SQLSTATE', async () => {
    const sql = t.app.get(PreparedStatements);
    const divide = statement('test-divide', 'SELECT 1 / $1::int AS quotient');
    await expect(sql.rows(divide, [0])).rejects.toMatchObject({
      name: 'QueryFailedError',
      driverError: { code: '22012' },
    });
    // The statement stays usable: the error was the value's, not the connection's.
    expect(await sql.rows(divide, [1])).toEqual([{ quotient: 1 }]);
  });
});
