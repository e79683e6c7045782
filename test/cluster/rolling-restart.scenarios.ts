import { expect, it } from '@jest/globals';
import { call, signUp, type Answer, type SignedIn } from './client.js';
import { report, sleep, type Cluster } from './cluster.js';

const CLIENTS = 8;

interface Sample {
  op: string;
  status: number;
  error: string | null;
}

/**
 * Rolling restart: each api instance in turn gets SIGTERM, exits, and is started again, while
 * clients keep sending reads and non-idempotent writes through the balancer. Nothing may be lost:
 * every request answered, none with a 5xx or a connection error.
 */
export function rollingRestartScenario(cluster: () => Cluster): void {
  it('loses no request while the api instances restart one after the other under load', async () => {
    const c = cluster();
    const users = await Promise.all(Array.from({ length: 4 }, () => signUp(c)));
    const ops = operations(c, users);
    let stop = false;
    const samples: Sample[] = [];
    const client = async (n: number) => {
      for (let i = n; !stop; i++) {
        const op = ops[i % ops.length] as (typeof ops)[number];
        const answer = await op.run();
        samples.push({ op: op.name, status: answer.status, error: answer.error });
      }
    };
    const load = Promise.all(Array.from({ length: CLIENTS }, (_, n) => client(n)));
    const exits: Array<number | null> = [];
    const counted = { beforeRestarts: 0 };
    try {
      await sleep(1000);
      counted.beforeRestarts = samples.length;
      for (let i = 0; i < c.apis.length; i++) {
        exits.push((await c.restartApi(i)).exitCode);
        await sleep(500);
      }
      await sleep(1000);
    } finally {
      stop = true;
      await load;
    }
    const errors = samples.filter((s) => s.status === 0 || s.status >= 500);
    const byStatus: Record<string, number> = {};
    for (const s of samples)
      byStatus[`${s.op} ${s.status}`] = (byStatus[`${s.op} ${s.status}`] ?? 0) + 1;
    const counts = {
      requests: samples.length,
      requestsBeforeRestarts: counted.beforeRestarts,
      errors: errors.length,
      byStatus,
      balancer: { ...c.balancer.counts },
      exitCodes: exits,
      firstErrors: errors.slice(0, 5),
    };
    report('rolling restart of the api instances under load', counts);
    expect(exits).toEqual([0, 0]);
    expect(errors).toEqual([]);
    expect(samples.every((s) => s.status === 200 || s.status === 204)).toBe(true);
    // The load really ran through the restarts, not only before them.
    expect(samples.length).toBeGreaterThan(counted.beforeRestarts * 2);
  });
}

/** Reads (retried by the balancer) and POSTs (never re-sent once sent), as a client mixes them. */
function operations(c: Cluster, users: SignedIn[]) {
  const ops: Array<{ name: string; run: () => Promise<Answer> }> = [];
  for (const user of users) {
    ops.push(
      {
        name: 'GET /users/me',
        run: () => call(c.url, 'GET', '/api/v1/users/me', { token: user.token }),
      },
      {
        name: 'GET /notifications/unread-count',
        run: () => call(c.url, 'GET', '/api/v1/notifications/unread-count', { token: user.token }),
      },
      {
        name: 'POST /notifications/read-all',
        run: () => call(c.url, 'POST', '/api/v1/notifications/read-all', { token: user.token }),
      },
    );
  }
  return ops;
}
