import pg from 'pg';

/**
 * node-postgres's client, except that a query abandoned by `query_timeout` closes its connection.
 * pg leaves such a client waiting for the late reply and the pool would hand it out again: after
 * a database that went silent, every query on it would wait out the timeout once more. Closing it
 * makes the pool drop it (TypeORM releases a client that errors) and open a fresh one.
 */
export class TimeoutSafeClient extends pg.Client {
  // pg's query() has many overloads; the arguments are passed through untouched.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
  override query(...args: any[]): any {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
    const result: unknown = (super.query as (...a: any[]) => unknown)(...args);
    if (result instanceof Promise) {
      result.catch((error: unknown) => {
        if (error instanceof Error && error.message === 'Query read timeout') this.abandon();
      });
    }
    return result;
  }

  private abandon(): void {
    const { connection } = this as unknown as { connection?: { stream?: { destroy(): void } } };
    connection?.stream?.destroy();
  }
}
