import type { DataSource, QueryRunner } from 'typeorm';

export interface HeldLock {
  /** Sessions waiting on this lock, directly or behind another waiter. */
  waiting(): Promise<number>;
  release(): Promise<void>;
}

/**
 * Runs `lockStatement` in a transaction of its own and keeps it open: the test decides when the
 * app's statements queued behind it may go on (a race made certain instead of likely).
 */
export async function holdLock(
  db: DataSource,
  lockStatement: string,
  params: unknown[] = [],
): Promise<HeldLock> {
  const runner: QueryRunner = db.createQueryRunner();
  await runner.connect();
  await runner.startTransaction();
  await runner.query(lockStatement, params);
  const [{ pid }] = await runner.query(`SELECT pg_backend_pid() AS pid`);
  return {
    waiting: async () => {
      const [row] = await db.query(
        `WITH RECURSIVE blocked(pid) AS (
           SELECT pid FROM pg_stat_activity WHERE $1::int = ANY(pg_blocking_pids(pid))
           UNION
           SELECT a.pid FROM pg_stat_activity a JOIN blocked b ON b.pid = ANY(pg_blocking_pids(a.pid))
         ) SELECT count(*)::int AS n FROM blocked`,
        [pid],
      );
      return row.n as number;
    },
    release: async () => {
      await runner.commitTransaction();
      await runner.release();
    },
  };
}
